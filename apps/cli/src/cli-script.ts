import { join } from 'node:path';

/** This installation's CLI script: hooks whose argv[0] is `rstar-fleet` run it with node. */
export const CLI_SCRIPT = join(__dirname, '..', 'bin', 'rstar-fleet.js');
