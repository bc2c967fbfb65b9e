import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/**
 * A supervised child crashed `crashes` times within `windowMs`: the supervisor stopped restarting
 * it. The cause is its last start failure, when a start failed.
 */
export class CrashLoopError extends RstarError {
  constructor(
    readonly child: string,
    readonly crashes: number,
    readonly windowMs: number,
    /** Its last output lines (stderr first), for the message a person reads. */
    readonly lastLines: readonly string[],
    options: RstarErrorOptions = {},
  ) {
    super(
      'UNAVAILABLE',
      `${child} crashed ${crashes} times within ${(windowMs / 1000).toFixed(0)} s; ` +
        'not restarting it any more',
      options,
    );
  }
}
