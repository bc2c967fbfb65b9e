import { InvalidInputError, NotFoundError, RstarError } from '@rstar-fleet/protocol';
import type { Checkpoint } from './checkpoint';

/** Options of `loadRemoteCheckpoint`. */
export interface LoadClientOptions {
  /** Deadline for the whole call, retries included. Default 30 000 ms. */
  timeoutMs?: number;
  /** First pause between retries of an unreachable server (doubles, capped at 2 s). Default 100. */
  retryBaseMs?: number;
  signal?: AbortSignal;
}

/** What a deploy hook prints: the models a round after this deploy must ask for. */
export interface LoadedModels {
  policy: { model: string };
  ppm: { model: string };
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Makes a running simulator serve `checkpoint` (`POST <url>/admin/load`, the checkpoint sent
 * inline so the server need not see the caller's files) and returns the model names it now
 * serves. An unreachable or 503-answering server is retried until the deadline: a deploy right
 * after a simulator restart should wait for it, not fail the round; a 4xx is final.
 */
export async function loadRemoteCheckpoint(
  url: string,
  checkpoint: Checkpoint,
  options: LoadClientOptions = {},
): Promise<LoadedModels> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal =
    options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
  const endpoint = new URL('/admin/load', url).toString();
  let pause = options.retryBaseMs ?? 100;
  for (;;) {
    let lastError: RstarError;
    try {
      return await postOnce(endpoint, checkpoint, signal);
    } catch (err) {
      if (signal.aborted) {
        if (deadline.aborted) {
          throw new RstarError(
            'DEADLINE_EXCEEDED',
            `${endpoint} did not load ${checkpoint.name} within ${timeoutMs} ms`,
            { cause: err },
          );
        }
        throw new RstarError('CANCELLED', `loading ${checkpoint.name} cancelled`, { cause: err });
      }
      if (!(err instanceof RstarError) || err.code !== 'UNAVAILABLE') throw err;
      lastError = err;
    }
    await sleep(pause, signal).catch(() => undefined);
    if (signal.aborted) {
      throw new RstarError(
        deadline.aborted ? 'DEADLINE_EXCEEDED' : 'CANCELLED',
        `${lastError.message} (gave up after ${timeoutMs} ms)`,
        { cause: lastError },
      );
    }
    pause = Math.min(2000, pause * 2);
  }
}

async function postOnce(
  endpoint: string,
  checkpoint: Checkpoint,
  signal: AbortSignal,
): Promise<LoadedModels> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ checkpoint }),
      signal,
    });
  } catch (err) {
    throw new RstarError('UNAVAILABLE', `cannot reach ${endpoint}`, { cause: err });
  }
  const text = await response.text();
  if (!response.ok) throw httpError(endpoint, response.status, text);
  return modelsOf(endpoint, text);
}

function httpError(endpoint: string, status: number, text: string): RstarError {
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // not JSON: keep the text
  }
  const what = `${endpoint} answered ${status}: ${message}`;
  if (status === 404) return new NotFoundError(what);
  if (status >= 400 && status < 500) return new InvalidInputError(what);
  return new RstarError(status === 503 ? 'UNAVAILABLE' : 'INTERNAL', what);
}

function modelsOf(endpoint: string, text: string): LoadedModels {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new RstarError('INTERNAL', `${endpoint} answered with invalid JSON`, { cause: err });
  }
  const models = (body as { models?: unknown }).models;
  if (
    !Array.isArray(models) ||
    models.length < 2 ||
    !models.every((m): m is string => typeof m === 'string' && m !== '')
  ) {
    throw new RstarError('INTERNAL', `${endpoint} did not name the loaded models: ${text}`);
  }
  return { policy: { model: models[0] ?? '' }, ppm: { model: models[1] ?? '' } };
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
