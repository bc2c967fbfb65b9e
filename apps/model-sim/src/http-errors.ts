import type { ServerResponse } from 'node:http';
import {
  ContextOverflowError,
  RstarError,
  errorCodeOf,
  type ErrorCode,
} from '@rstar-fleet/protocol';

/** A route exists but not for this method. */
export class MethodNotAllowedError extends RstarError {
  constructor(method: string, path: string) {
    super('INVALID_ARGUMENT', `method ${method} not allowed for ${path}`);
  }
}

/** The request body is over the size limit. */
export class BodyTooLargeError extends RstarError {
  constructor(limit: number) {
    super('RESOURCE_EXHAUSTED', `request body over ${limit} bytes`);
  }
}

const STATUS: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 400,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  CANCELLED: 499,
  INTERNAL: 500,
};

const TYPE: Record<number, string> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  405: 'MethodNotAllowed',
  413: 'RequestEntityTooLarge',
  429: 'TooManyRequests',
  499: 'ClientClosedRequest',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeout',
};

/**
 * The one place errors become HTTP: status from the error's code (a context overflow is a 400,
 * as vLLM answers it), body in vLLM's current shape
 * `{"error": {"message", "type", "param", "code"}}`.
 */
export function statusOf(err: unknown): number {
  if (err instanceof MethodNotAllowedError) return 405;
  if (err instanceof BodyTooLargeError) return 413;
  if (err instanceof ContextOverflowError) return 400;
  return STATUS[errorCodeOf(err)];
}

export function sendError(res: ServerResponse, err: unknown, param: string | null = null): void {
  const status = statusOf(err);
  const message =
    err instanceof RstarError ? err.message : `internal error in the simulator: ${String(err)}`;
  const body = { error: { message, type: TYPE[status] ?? 'Error', param, code: status } };
  const text = JSON.stringify(body);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}
