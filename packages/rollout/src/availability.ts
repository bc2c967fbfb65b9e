import { RstarError } from '@rstar-fleet/protocol';

/** Socket errors that mean "the server is not there (right now)". */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Typed errors of the ports that an outage (not the request) produces, by class name. */
const OUTAGE_CLASSES = new Set([
  'InferenceUnavailableError',
  'InferenceDeadlineError',
  'InferenceOverloadedError',
]);

/** Sandbox gRPC failures that a restart or a drained queue explains. */
const SANDBOX_OUTAGE_CODES = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED']);

function isOutage(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const name = (err as { name?: unknown }).name;
  if (typeof name === 'string' && OUTAGE_CLASSES.has(name)) return true;
  if (name === 'SandboxCallError' && err instanceof RstarError) {
    return SANDBOX_OUTAGE_CODES.has(err.code);
  }
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CONNECTION_ERRNOS.has(code);
}

/**
 * Whether a failure is explained by an unavailable dependency anywhere in its cause chain (the
 * engine wraps port failures in PortError): then the call (or unit) is tried again after a
 * pause instead of failing. An outage whose budget is already spent (OutageBudgetExceededError)
 * is not: it was waited out once. Matched by class name so two copies of a package still agree.
 */
export function isAvailabilityError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current !== undefined && current !== null && !seen.has(current)) {
    if ((current as { name?: unknown }).name === 'OutageBudgetExceededError') return false;
    if (isOutage(current)) return true;
    seen.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
