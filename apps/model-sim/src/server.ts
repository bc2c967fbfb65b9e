import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInputError, NotFoundError, RstarError } from '@rstar-fleet/protocol';
import { loadCheckpoint, parseCheckpoint } from './checkpoint';
import { handleCompletions } from './completions';
import { BodyTooLargeError, MethodNotAllowedError, sendError } from './http-errors';
import { handlePooling } from './pooling';
import { loadRequestSchema, parseBody } from './requests';
import type { SimState } from './state';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

type Handler = (body: unknown, signal: AbortSignal) => Promise<unknown>;

export interface SimServer {
  readonly server: Server;
  readonly state: SimState;
  /** Resolves with the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then drops them. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The SIMULATED model server over node:http, speaking the vLLM OpenAI-compatible dialect:
 * completions, models, classify/pooling for the PPM, health, metrics, plus `POST /admin/load`
 * to switch checkpoints at run time as a rolling deploy would.
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
    '/metrics': async (res) => {
      const text = await state.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': state.metrics.registry.contentType }).end(text);
    },
  };
  const server = createServer((req, res) => {
    void route(req, res, posts, gets);
  });
  return {
    server,
    state,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: (graceMs = 5000) =>
      new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
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
