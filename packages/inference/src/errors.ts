import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/**
 * Typed failures of an inference call. Each maps to one protocol code so the worker, the
 * orchestrator and the exit-code table agree without knowing HTTP. A prompt longer than the
 * context window is not here: it is `ContextOverflowError` from `@rstar-fleet/protocol`, which the
 * search turns into a terminal node.
 */

/** Where a failed call went: the endpoint's name and role, for messages and logs. */
export interface CallSite {
  endpoint: string;
  role: string;
}

function at(site: CallSite, message: string): string {
  return `${site.role} endpoint ${site.endpoint}: ${message}`;
}

/** Connection errors or 5xx answers that outlived every retry: the replica is marked unhealthy. */
export class InferenceUnavailableError extends RstarError {
  readonly endpoint: string;
  /** HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;

  constructor(site: CallSite, message: string, status?: number, options: RstarErrorOptions = {}) {
    super('UNAVAILABLE', at(site, message), options);
    this.endpoint = site.endpoint;
    this.status = status;
  }
}

/** 429 answers that outlived every retry: the server (or its router) sheds load. */
export class InferenceOverloadedError extends RstarError {
  readonly endpoint: string;

  constructor(site: CallSite, message: string, options: RstarErrorOptions = {}) {
    super('RESOURCE_EXHAUSTED', at(site, message), options);
    this.endpoint = site.endpoint;
  }
}

/**
 * The server answered 2xx with a body that is not JSON or not the dialect's shape (a proxy's
 * HTML page, a truncated body, a server version the dialect does not know). Not retried: the same
 * request would get the same answer.
 */
export class InferenceMalformedError extends RstarError {
  readonly endpoint: string;

  constructor(site: CallSite, message: string, options: RstarErrorOptions = {}) {
    super('UNAVAILABLE', at(site, `malformed answer: ${message}`), options);
    this.endpoint = site.endpoint;
  }
}

/** A 4xx other than 429 (and not a context overflow): the request itself is wrong; never retried. */
export class InferenceRequestError extends RstarError {
  readonly endpoint: string;
  readonly status: number;

  constructor(site: CallSite, status: number, message: string, options: RstarErrorOptions = {}) {
    super('INVALID_ARGUMENT', at(site, `HTTP ${status}: ${message}`), options);
    this.endpoint = site.endpoint;
    this.status = status;
  }
}

/**
 * The server could not render one sample: llama.cpp answers 500 `server_error` "The model produced
 * output that does not match the expected … format" when the sampled bytes are not valid text
 * (e.g. a lone byte token). The same seed fails the same way on every replica, so it is neither
 * retried nor the replica's fault; the policy client draws the candidate again with a new seed,
 * then drops it.
 */
export class InferenceSampleError extends RstarError {
  readonly endpoint: string;

  constructor(site: CallSite, message: string, options: RstarErrorOptions = {}) {
    super('INTERNAL', at(site, `unusable sample: ${message}`), options);
    this.endpoint = site.endpoint;
  }
}

/** The attempt's deadline (derived from the request size) passed before the answer came. */
export class InferenceDeadlineError extends RstarError {
  readonly endpoint: string;
  readonly deadlineMs: number;

  constructor(site: CallSite, deadlineMs: number, options: RstarErrorOptions = {}) {
    super('DEADLINE_EXCEEDED', at(site, `no answer within ${deadlineMs} ms`), options);
    this.endpoint = site.endpoint;
    this.deadlineMs = deadlineMs;
  }
}

/** The caller's AbortSignal fired (pruned node, cancelled search, shutdown). */
export class InferenceCancelledError extends RstarError {
  constructor(message = 'inference request cancelled', options: RstarErrorOptions = {}) {
    super('CANCELLED', message, options);
  }
}
