/**
 * The closed set of error codes every rstar-fleet component speaks. Each process edge maps a code
 * to its own vocabulary in exactly one place: exit codes (apps/cli/src/exit-codes.ts),
 * gRPC statuses (./sandbox/grpc-status.ts), HTTP statuses (httpStatusForCode below).
 */
export const ERROR_CODES = [
  /** The caller sent something malformed: a bad flag, a bad record, a bad request field. */
  'INVALID_ARGUMENT',
  /** A named thing (file, run, shard, model) does not exist. */
  'NOT_FOUND',
  /** The system is not in a state where the operation can run (e.g. a run already finished). */
  'FAILED_PRECONDITION',
  /** A bounded resource (queue, budget, context window) is full. */
  'RESOURCE_EXHAUSTED',
  /** A dependency (server, store, Redis) cannot be reached right now; retrying may help. */
  'UNAVAILABLE',
  /** A deadline passed before the operation finished. */
  'DEADLINE_EXCEEDED',
  /** The caller cancelled the operation (abort signal, shutdown). */
  'CANCELLED',
  /** A bug or an invariant broken inside rstar-fleet. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface RstarErrorOptions {
  cause?: unknown;
}

/** Base class of every error rstar-fleet raises on purpose. */
export class RstarError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: RstarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where a piece of bad input came from, so the message can point at it. */
export interface InputLocation {
  /** A file path, URI or request name. */
  source?: string;
  /** 1-based line number within `source`. */
  line?: number;
  /** Dotted path of the offending field, e.g. `rounds.2.rollouts`. */
  field?: string;
}

export function formatLocation(where: InputLocation): string {
  const place = [where.source, where.line === undefined ? undefined : String(where.line)]
    .filter((p): p is string => p !== undefined)
    .join(':');
  const field = where.field === undefined ? '' : `field ${where.field}`;
  return [place, field].filter((p) => p !== '').join(', ');
}

/** Bad input, with the place it came from in the message. */
export class InvalidInputError extends RstarError {
  readonly where: InputLocation;

  constructor(message: string, where: InputLocation = {}, options: RstarErrorOptions = {}) {
    const place = formatLocation(where);
    super('INVALID_ARGUMENT', place === '' ? message : `${place}: ${message}`, options);
    this.where = where;
  }
}

export class NotFoundError extends RstarError {
  constructor(message: string, options: RstarErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

/**
 * The one place error codes become HTTP statuses, for every HTTP surface (the orchestrator's
 * `/status`, the simulator's vLLM API). The codes are gRPC's, so this is the mapping gRPC's own
 * HTTP gateways use (google.rpc.Code): a precondition failure is a 400 like any request the
 * server will not take as it stands, and a call its client cancelled is nginx's 499.
 */
const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 400,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  CANCELLED: 499,
  INTERNAL: 500,
};

export function httpStatusForCode(code: ErrorCode): number {
  return HTTP_STATUS_BY_CODE[code];
}

/** The code of any thrown value: ours carry one; anything else is a bug (`INTERNAL`). */
export function errorCodeOf(err: unknown): ErrorCode {
  return err instanceof RstarError ? err.code : 'INTERNAL';
}
