import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  completionBody,
  contextOverflowBody,
  errorEnvelope,
  LLAMACPP,
  llamacppCompletionBody,
  sglangClassifyBody,
  vllmClassifyBody,
  vllmPoolingBody,
  type FakeDialect,
  type FakeSample,
} from './fake-bodies';

/** A failure the fake serves instead of the next POST's normal answer (FIFO). */
export type Fault =
  /** Destroys the socket without answering (the client sees a connection reset). */
  | { kind: 'reset' }
  /** An error in the server's own envelope, e.g. 429, 503, 400. */
  | { kind: 'status'; status: number; message?: string; type?: string; retryAfter?: string }
  /** An exact body, e.g. malformed JSON with status 200. */
  | { kind: 'raw'; status: number; body: string }
  /** Answers normally, but only after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Reads the request and never answers (a hung server); the socket stays open until the client gives up. */
  | { kind: 'hang' };

export interface FakeServerOptions {
  dialect: FakeDialect;
  model?: string;
  /**
   * Context window in tokens; the fake counts one token per prompt character. llama.cpp: the
   * context of one slot, and the prompt counts the BOS it adds. Default 100 000.
   */
  contextLimit?: number;
  /** llama.cpp `--parallel`: the most samples one request may ask for (`n_cmpl`). Default 1. */
  slots?: number;
  /** Latency of every normal answer (so concurrency is observable). Default 0. */
  latencyMs?: number;
  /** Text of a sample; default is derived from seed + index (distinct per sibling). */
  sample?: (prompt: string, seed: number, stop: readonly string[]) => FakeSample;
  /** Raw PPM head output for a prefix. Default: (length mod 11) − 5. */
  score?: (text: string) => number;
  /** Body of GET /metrics. */
  metricsText?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/**
 * How long a llama-server goes on generating for a client that disconnected: it notices at its
 * next check of the connection (`HTTP_POLLING_SECONDS`).
 */
const LLAMACPP_DISCONNECT_POLL_MS = 1000;

/**
 * A real HTTP server (port 0) that answers `/v1/completions`, `/completion`, `/classify`,
 * `/pooling`, `/health` and `/metrics` (llama.cpp also `/props`) with each real server's response
 * shapes and error bodies. The prompt markers `[len]` (step cut by max_tokens) and `[eos]` (ended
 * on EOS) steer the default sampler. The llama.cpp bodies were compared field by field with a
 * real llama-server 0.4.0-dev (tests/src/inference).
 */
export class FakeInferenceServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  metricsText: string;
  /** While true every route answers 503 as a server loading its model does (llama.cpp's body). */
  loading = false;
  /** Requests the server is working on (a llama.cpp one goes on a while after its client left). */
  active = 0;
  maxActive = 0;
  /** Requests whose HTTP exchange is still open. */
  open = 0;
  private readonly options: Required<Omit<FakeServerOptions, 'metricsText'>>;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    options: FakeServerOptions,
    readonly url: string,
  ) {
    this.options = {
      model: 'fake-model',
      contextLimit: 100_000,
      slots: 1,
      latencyMs: 0,
      sample: defaultSample,
      score: (text) => (text.length % 11) - 5,
      ...options,
    };
    this.metricsText = options.metricsText ?? '';
  }

  static async start(options: FakeServerOptions): Promise<FakeInferenceServer> {
    const holder: { fake?: FakeInferenceServer } = {};
    const server = createServer((req, res) => {
      holder.fake?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeInferenceServer(server, options, `http://127.0.0.1:${port}`);
    holder.fake = fake;
    return fake;
  }

  /** Queues faults for the next POSTs, in order. */
  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  posts(path?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === 'POST' && (path === undefined || r.path === path),
    );
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const d = this.options.dialect;
      const text = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (this.loading) {
        // llama.cpp's pre-routing check: every route, /health included, until the model loaded.
        this.json(
          res,
          503,
          d === 'llamacpp'
            ? LLAMACPP.loading
            : errorEnvelope(d, 503, 'Loading model', 'unavailable_error'),
        );
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch (err) {
        if (d === 'llamacpp') {
          const message = (err as Error).message;
          const at = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
          this.json(res, 500, LLAMACPP.badJson(text, at, message));
        } else this.json(res, 400, errorEnvelope(d, 400, 'invalid JSON body', 'BadRequestError'));
        return;
      }
      this.requests.push({ method: req.method ?? 'GET', path, body });
      if (req.method === 'GET' && this.get(path, res)) return;
      this.active += 1;
      this.open += 1;
      this.maxActive = Math.max(this.maxActive, this.active);
      let answered = false;
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        this.active -= 1;
      };
      const fault = this.faults.shift();
      const delay = (fault?.kind === 'delay' ? fault.ms : 0) + this.options.latencyMs;
      const answerAt = fault?.kind === 'hang' ? Infinity : Date.now() + delay;
      res.on('close', () => {
        this.open -= 1;
        if (answered || d !== 'llamacpp') {
          done();
          return;
        }
        // The client left: llama.cpp generates on until its next connection check.
        const left = Math.min(answerAt - Date.now(), LLAMACPP_DISCONNECT_POLL_MS);
        const t = setTimeout(
          () => {
            this.timers.delete(t);
            done();
          },
          Math.max(0, left),
        );
        this.timers.add(t);
      });
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'hang') return;
      const answer = (): void => {
        if (res.destroyed) return;
        answered = true;
        if (fault?.kind === 'status') {
          const headers: Record<string, string> =
            fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
          this.json(
            res,
            fault.status,
            errorEnvelope(
              this.options.dialect,
              fault.status,
              fault.message ?? `status ${fault.status}`,
              fault.type ?? 'InternalServerError',
            ),
            headers,
          );
        } else if (fault?.kind === 'raw') {
          res.writeHead(fault.status, { 'content-type': 'application/json' });
          res.end(fault.body);
        } else {
          this.route(path, body, res);
        }
      };
      if (delay <= 0) answer();
      else {
        const t = setTimeout(() => {
          this.timers.delete(t);
          answer();
        }, delay);
        this.timers.add(t);
      }
    });
  }

  /** Answers the GET routes that never fail and never count as work; false for any other. */
  private get(path: string, res: ServerResponse): boolean {
    const d = this.options.dialect;
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(this.metricsText);
    } else if (path === '/health') {
      // vLLM and SGLang answer an empty 200.
      if (d === 'llamacpp') this.json(res, 200, LLAMACPP.health);
      else res.writeHead(200).end();
    } else if (path === '/props' && d === 'llamacpp') {
      const { slots, contextLimit, model } = this.options;
      this.json(res, 200, LLAMACPP.props(slots, contextLimit, model));
    } else {
      return false;
    }
    return true;
  }

  private route(path: string, body: Record<string, unknown>, res: ServerResponse): void {
    const d = this.options.dialect;
    if (
      (path === '/v1/completions' && d !== 'llamacpp') ||
      (path === '/completion' && d === 'llamacpp')
    ) {
      this.completions(body, res);
    } else if (
      (path === '/classify' && (d === 'vllm' || d === 'sglang')) ||
      (path === '/pooling' && d === 'vllm')
    ) {
      this.classify(path, body, res);
    } else if (d === 'llamacpp') {
      this.json(res, 404, LLAMACPP.notFound);
    } else {
      this.json(res, 404, errorEnvelope(d, 404, `Not Found: ${path}`, 'NotFoundError'));
    }
  }

  private completions(body: Record<string, unknown>, res: ServerResponse): void {
    const d = this.options.dialect;
    if (d === 'llamacpp') {
      this.llamacppCompletion(body, res);
      return;
    }
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    const seed = typeof body.seed === 'number' ? body.seed : 0;
    const maxTokens = Number(body.max_tokens);
    const n = Number(body.n ?? 1);
    const promptTokens = prompt.length;
    const limit = this.options.contextLimit;
    if (promptTokens + maxTokens > limit) {
      this.json(res, 400, contextOverflowBody(d, 'completions', limit, promptTokens, maxTokens));
      return;
    }
    const samples = Array.from({ length: n }, (_, i) =>
      this.options.sample(prompt, seed + i, stopsOf(body)),
    );
    this.json(res, 200, completionBody(d, this.options.model, promptTokens, samples));
  }

  /**
   * llama.cpp `/completion`: the context is a slot's and counts the BOS it adds (a prompt of
   * exactly the context is rejected); a generation that reaches the end of the context stops
   * there, `truncated` with a `limit` stop; `n_cmpl` (or `n`) up to `--parallel` answers an array.
   */
  private llamacppCompletion(body: Record<string, unknown>, res: ServerResponse): void {
    const { slots, contextLimit: limit, model } = this.options;
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    const seed = typeof body.seed === 'number' ? body.seed : 0;
    const nField = body.n_cmpl !== undefined ? 'n_cmpl' : 'n';
    const n = Number(body[nField] ?? 1);
    if (!(n >= 1 && n <= slots)) {
      this.json(res, 400, LLAMACPP.tooManyCompletions(nField, slots, n));
      return;
    }
    const promptTokens = prompt.length + 1;
    if (promptTokens >= limit) {
      this.json(res, 400, contextOverflowBody('llamacpp', 'completions', limit, promptTokens, 0));
      return;
    }
    const answers = Array.from({ length: n }, (_, index) => {
      let sample = this.options.sample(prompt, seed + index, stopsOf(body));
      const room = limit - promptTokens;
      const truncated = sample.completionTokens >= room;
      if (truncated) {
        sample = {
          text: sample.text.slice(0, room),
          stop: null,
          finish: 'length',
          completionTokens: room,
        };
      }
      return llamacppCompletionBody({
        prompt,
        promptTokens,
        sample,
        seed: seed + index,
        index,
        slot: index,
        truncated,
        body,
        model,
      });
    });
    this.json(res, 200, n === 1 ? answers[0] : answers);
  }

  private classify(path: string, body: Record<string, unknown>, res: ServerResponse): void {
    const d = this.options.dialect;
    const raw = d === 'sglang' ? body.text : body.input;
    const inputs = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    const tooLong = inputs.find((t) => t.length > this.options.contextLimit);
    if (tooLong !== undefined) {
      this.json(
        res,
        400,
        contextOverflowBody(d, 'classify', this.options.contextLimit, tooLong.length, 0),
      );
      return;
    }
    const scores = inputs.map(this.options.score);
    const tokens = inputs.map((t) => t.length);
    const total = tokens.reduce((a, b) => a + b, 0);
    if (d === 'sglang') this.json(res, 200, sglangClassifyBody(scores, tokens));
    else if (path === '/pooling')
      this.json(res, 200, vllmPoolingBody(this.options.model, scores, total));
    else this.json(res, 200, vllmClassifyBody(this.options.model, scores, total));
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    // llama-server closes the connection after every error answer.
    const close =
      this.options.dialect === 'llamacpp' && status >= 400 ? { connection: 'close' } : {};
    res.writeHead(status, { 'content-type': 'application/json', ...close, ...headers });
    res.end(JSON.stringify(body));
  }
}

function stopsOf(body: Record<string, unknown>): string[] {
  return Array.isArray(body.stop)
    ? body.stop.filter((s): s is string => typeof s === 'string')
    : [];
}

function defaultSample(prompt: string, seed: number, stop: readonly string[]): FakeSample {
  const text = `# sample ${seed}\nx = ${seed}\n`;
  if (prompt.includes('[len]'))
    return { text, stop: null, finish: 'length', completionTokens: text.length };
  if (prompt.includes('[eos]'))
    return { text, stop: null, finish: 'stop', completionTokens: text.length };
  return { text, stop: stop[0] ?? null, finish: 'stop', completionTokens: text.length };
}
