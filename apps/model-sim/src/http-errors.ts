import type { ServerResponse } from 'node:http';
import {
  ContextOverflowError,
  RstarError,
  errorCodeOf,
  httpStatusForCode,
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
 * Where the simulator's errors become HTTP: the status of the error's code as every HTTP edge maps
 * it (protocol's httpStatusForCode), except what vLLM answers with its own status (a context
 * overflow is a 400, a wrong method 405, a body over the limit 413); body in vLLM's current shape
 * `{"error": {"message", "type", "param", "code"}}`.
 */
export function statusOf(err: unknown): number {
  if (err instanceof MethodNotAllowedError) return 405;
  if (err instanceof BodyTooLargeError) return 413;
  if (err instanceof ContextOverflowError) return 400;
  return httpStatusForCode(errorCodeOf(err));
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
