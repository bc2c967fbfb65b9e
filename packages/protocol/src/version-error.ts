import { RstarError, type RstarErrorOptions } from './errors';

/**
 * A file this rstar-fleet writes and reads back (a round manifest, run.json) carries another
 * version than the one it reads: it was written by another rstar-fleet and is refused rather than
 * misread. The message names the file, both versions and what to do.
 */
export class VersionMismatchError extends RstarError {
  constructor(
    readonly source: string,
    readonly found: unknown,
    readonly expected: number,
    options: RstarErrorOptions = {},
  ) {
    super(
      'FAILED_PRECONDITION',
      `${source} has version ${String(found)}; this rstar-fleet reads version ${expected}. ` +
        'It was written by another rstar-fleet version: finish that run with the version that ' +
        'started it, or start a new run (another --run id)',
      options,
    );
  }
}

/** Throws VersionMismatchError when `json` is an object whose `v` is not `expected`. */
export function checkVersion(json: unknown, expected: number, source: string): void {
  if (typeof json !== 'object' || json === null || !('v' in json)) return;
  if (json.v !== expected) throw new VersionMismatchError(source, json.v, expected);
}
