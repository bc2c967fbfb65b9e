import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidInputError, NotFoundError, RstarError } from '@rstar-fleet/protocol';
import { startTelemetryServer, type TelemetryServer } from '@rstar-fleet/telemetry';
import { loadCheckpoint, parseCheckpoint } from './checkpoint';
import { handleCompletions } from './completions';
import { BodyTooLargeError, MethodNotAllowedError, sendError } from './http-errors';
import { handlePooling } from './pooling';
import { loadRequestSchema, parseBody } from './requests';
import type { SimState } from './state';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

type Handler = (body: unknown, signal: AbortSignal) => Promise<unknown>;

export interface SimServer {
  readonly state: SimState;
  /** Resolves with the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then drops them. */
  close(graceMs?: number): Promise<void>;
}

/** How long close() waits for requests in flight by default. */
const CLOSE_GRACE_MS = 5_000;

/**
 * The SIMULATED model server, speaking the vLLM OpenAI-compatible dialect: completions, models,
 * classify/pooling for the PPM, health, metrics, plus `POST /admin/load` to switch checkpoints at
 * run time as a rolling deploy would. It is the telemetry server every service runs (request
 * deadlines, bounded close, `/metrics` from the simulator's registry, `/livez`, `/readyz`), with
 * the vLLM API as its fallback: the API keeps vLLM's routes and error bodies.
 */
export function createSimServer(state: SimState): SimServer {
  const posts: Record<string, Handler> = {
    '/v1/completions': (body, signal) => handleCompletions(state, body, signal),
    '/classify': (body, signal) => handlePooling(state, body, '/classify', signal),
    '/pooling': (body, signal) => handlePooling(state, body, '/pooling', signal),
    '/admin/load': (body) => loadHandler(state, body),
  };
  const gets: Record<string, (res: ServerResponse) => Promise<void> | void> = {
    '/health': (res) => void res.writeHead(200).end(),
    '/v1/models': (res) => sendJson(res, 200, modelsOf(state)),
  };
  let http: TelemetryServer | null = null;
  return {
    state,
    listen: async (port, host = '127.0.0.1') => {
      http = await startTelemetryServer({
        host,
        port,
        registry: state.metrics.registry,
        closeGraceMs: CLOSE_GRACE_MS,
        fallback: (req, res) => void route(req, res, posts, gets),
      });
      return http.port;
    },
    close: (graceMs) => http?.close(graceMs) ?? Promise.resolve(),
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  posts: Record<string, Handler>,
  gets: Record<string, (res: ServerResponse) => Promise<void> | void>,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://sim').pathname;
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort(new RstarError('CANCELLED', 'client went away'));
  });
  try {
    const get = gets[path];
    const post = posts[path];
    if (get === undefined && post === undefined) throw new NotFoundError(`no route ${path}`);
    if (req.method === 'GET' && get !== undefined) {
      await get(res);
      return;
    }
    if (req.method === 'POST' && post !== undefined) {
      const result = await post(await readJson(req), aborted.signal);
      sendJson(res, 200, result);
      return;
    }
    throw new MethodNotAllowedError(req.method ?? '?', path);
  } catch (err) {
    const param = err instanceof InvalidInputError ? (err.where.field ?? null) : null;
    sendError(res, err, param);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(MAX_BODY_BYTES);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new InvalidInputError('request body is not valid JSON', {}, { cause: err });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function modelsOf(state: SimState): unknown {
  const created = Math.floor(Date.now() / 1000);
  const card = (id: string): unknown => ({
    id,
    object: 'model',
    created,
    owned_by: 'rstar-fleet-simulator',
    root: id,
    parent: null,
    max_model_len: state.checkpoint.maxModelLen,
  });
  return { object: 'list', data: [card(state.policyId), card(state.ppmId)] };
}

async function loadHandler(state: SimState, body: unknown): Promise<unknown> {
  const req = parseBody(loadRequestSchema, body, '/admin/load');
  const checkpoint =
    typeof req.checkpoint === 'string'
      ? await loadCheckpoint(req.checkpoint)
      : parseCheckpoint(req.checkpoint, '/admin/load checkpoint');
  state.load(checkpoint);
  return { status: 'loaded', models: [state.policyId, state.ppmId] };
}
