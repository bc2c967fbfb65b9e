import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/** A child's readiness check did not pass within its deadline; the child was killed. */
export class ChildReadyTimeoutError extends RstarError {
  constructor(
    readonly child: string,
    readonly timeoutMs: number,
    /** The check that never passed (`a line "worker ready"`, `GET http://…/health`). */
    readonly check: string,
    readonly lastLines: readonly string[],
    options: RstarErrorOptions = {},
  ) {
    super(
      'DEADLINE_EXCEEDED',
      `${child} not ready after ${timeoutMs} ms (waited for ${check})` +
        (lastLines.length === 0 ? '' : `:\n${lastLines.join('\n')}`),
      options,
    );
  }
}
