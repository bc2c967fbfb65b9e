import { join } from 'node:path';

/**
 * Where `--benchmark NAME` looks by default: the public evaluation sets in the checkout's sibling
 * `shared/data/benchmarks` (from apps/cli/dist: up to the repo root, then beside it). Resolved
 * here, at the app edge, so the corpus package only ever sees a folder it was given.
 */
export const DEFAULT_BENCHMARKS_DIR = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'benchmarks',
);

/** Overrides the default folder (the `--benchmarks-dir` flag wins over it). */
export const BENCHMARKS_DIR_ENV = 'RSTAR_BENCHMARKS_DIR';
