import { RstarError, errorCodeOf } from '@rstar-fleet/protocol';

/**
 * A step of a bounded shutdown that failed or overran its bound (a connection that would not
 * close, a drain that threw). Reported in the ShutdownResult, never thrown: the shutdown goes on
 * with the next step, since a stuck step must not keep the others from running.
 */
export class ShutdownStepError extends RstarError {
  constructor(
    /** The step's name, as the service gave it (`redis`, `http`, `drain`, ...). */
    readonly step: string,
    /** How long the step had; null when it failed before its bound. */
    readonly boundMs: number | null,
    cause?: unknown,
  ) {
    super(
      boundMs === null ? errorCodeOf(cause) : 'DEADLINE_EXCEEDED',
      boundMs === null
        ? `shutdown step ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`
        : `shutdown step ${step} did not finish within ${boundMs} ms`,
      cause === undefined ? {} : { cause },
    );
  }
}
