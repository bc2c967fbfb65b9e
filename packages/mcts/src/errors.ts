import { RstarError, errorCodeOf, type ErrorCode } from '@rstar-fleet/protocol';

/** The caller's AbortSignal fired; the search stopped and its partial tree is discarded. */
export class SearchCancelledError extends RstarError {
  constructor(message = 'search cancelled', options: { cause?: unknown } = {}) {
    super('CANCELLED', message, options);
  }
}

export type PortName = 'policy' | 'executor' | 'reward' | 'grader';

/**
 * A port (policy, executor, reward, grader) failed or broke its contract. The search fails as a
 * whole: retrying belongs to the port's client (the governor), not to the engine. The code is the
 * cause's own code when it is an rstar-fleet error (e.g. UNAVAILABLE from an inference client),
 * INTERNAL otherwise (a contract violation is a bug somewhere).
 */
export class PortError extends RstarError {
  readonly port: PortName;

  constructor(
    port: PortName,
    message: string,
    options: { cause?: unknown; code?: ErrorCode } = {},
  ) {
    super(options.code ?? errorCodeOf(options.cause), `${port} port: ${message}`, options);
    this.port = port;
  }
}
