import { request, type Dispatcher } from 'undici';

export interface HttpAnswer {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

/** Why an attempt got no HTTP answer at all. */
export class AttemptFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'cancelled' | 'connection',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'AttemptFailure';
  }
}

export interface SendOptions {
  method: 'GET' | 'POST';
  body?: string;
  headers: Record<string, string>;
  /** The attempt is aborted after this long, body reading included. */
  deadlineMs: number;
  signal?: AbortSignal;
}

/**
 * One HTTP exchange through the endpoint's keep-alive agent, bounded by a deadline and the
 * caller's signal. Which of the two aborted is decided from our own flags, not from the error's
 * shape, so the classification does not depend on undici's error classes.
 */
export async function send(
  dispatcher: Dispatcher,
  url: string,
  options: SendOptions,
): Promise<HttpAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`deadline of ${options.deadlineMs} ms passed`));
  }, options.deadlineMs);
  const onAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await request(url, {
      method: options.method,
      body: options.body,
      headers: options.headers,
      dispatcher,
      signal: controller.signal,
      // Our deadline governs; undici's own 300 s header/body timeouts would otherwise cut long
      // generations and look like connection errors (which are retried).
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const text = await res.body.text();
    const retryAfter = res.headers['retry-after'];
    return {
      status: res.statusCode,
      text,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    };
  } catch (err) {
    if (options.signal?.aborted) throw new AttemptFailure('cancelled', 'cancelled', { cause: err });
    if (timedOut) {
      throw new AttemptFailure('timeout', `deadline of ${options.deadlineMs} ms passed`, {
        cause: err,
      });
    }
    const message = err instanceof Error ? err.message : String(err);
    throw new AttemptFailure('connection', message, { cause: err });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
