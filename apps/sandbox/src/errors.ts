import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/** The bounded queue cannot take the request: the client should back off (RESOURCE_EXHAUSTED). */
export class QueueFullError extends RstarError {
  constructor(queued: number, limit: number, wanted: number) {
    super(
      'RESOURCE_EXHAUSTED',
      `sandbox overloaded: ${queued} executions queued (limit ${limit}), cannot take ${wanted} more`,
    );
  }
}

/** The service is draining or stopped and takes no new executions (UNAVAILABLE: retry elsewhere). */
export class ShuttingDownError extends RstarError {
  constructor(options: RstarErrorOptions = {}) {
    super('UNAVAILABLE', 'sandbox is shutting down', options);
  }
}

/** The caller cancelled, or its deadline passed, before the execution finished. */
export class ExecutionCancelledError extends RstarError {
  constructor(why: 'cancelled' | 'deadline') {
    super(
      why === 'deadline' ? 'DEADLINE_EXCEEDED' : 'CANCELLED',
      why === 'deadline'
        ? 'deadline exceeded before the execution finished'
        : 'execution cancelled',
    );
  }
}

/** A fork-server could not be started (bad interpreter, uid range in use, layer self-test failed). */
export class ForkServerStartError extends RstarError {
  constructor(slot: number, message: string, options: RstarErrorOptions = {}) {
    super('FAILED_PRECONDITION', `fork-server ${slot}: ${message}`, options);
  }
}

/** A fork-server broke its protocol or failed to set an execution up: a sandbox bug. */
export class ForkServerFaultError extends RstarError {
  constructor(slot: number, message: string, options: RstarErrorOptions = {}) {
    super('INTERNAL', `fork-server ${slot}: ${message}`, options);
  }
}

/**
 * The fork-server running an execution died without the supervisor ordering it (a crash, the
 * OOM killer, an operator's kill): the sandbox failed, the program did not, and its result is
 * unknown. UNAVAILABLE, so a caller retries it as an outage (the pool replaces the fork-server)
 * instead of recording the program as erroneous.
 */
export class ForkServerLostError extends RstarError {
  constructor(slot: number, how: string) {
    super(
      'UNAVAILABLE',
      `fork-server ${slot} died while running the program (${how}); the execution did not ` +
        'finish and says nothing about the program: retry',
    );
  }
}

/** A layer named in --require-layer is not active on this host. */
export class IsolationRequirementError extends RstarError {
  constructor(missing: ReadonlyArray<{ layer: string; detail: string }>) {
    super(
      'FAILED_PRECONDITION',
      `required isolation layer(s) unavailable: ${missing
        .map((m) => `${m.layer} (${m.detail})`)
        .join('; ')}`,
    );
  }
}
