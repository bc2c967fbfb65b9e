import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/** A child could not be spawned, or exited before its readiness check passed. */
export class ChildStartError extends RstarError {
  constructor(
    readonly child: string,
    /** What happened: `exited before it was ready (code 1)`, `cannot spawn: ENOENT`. */
    readonly reason: string,
    /** Its last output lines. */
    readonly lastLines: readonly string[],
    options: RstarErrorOptions = {},
  ) {
    super(
      'UNAVAILABLE',
      `${child} ${reason}` + (lastLines.length === 0 ? '' : `:\n${lastLines.join('\n')}`),
      options,
    );
  }
}
