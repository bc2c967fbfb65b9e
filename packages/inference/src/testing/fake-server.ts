import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  completionBody,
  contextOverflowBody,
  errorEnvelope,
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
  /** Context window in tokens; the fake counts one token per prompt character. Default 100 000. */
  contextLimit?: number;
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
 * A real HTTP server (port 0) that answers `/v1/completions`, `/completion`, `/classify`,
 * `/pooling` and `/metrics` with each real server's response shapes and error bodies. The prompt
 * markers `[len]` (step cut by max_tokens) and `[eos]` (ended on EOS) steer the default sampler.
 */
export class FakeInferenceServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  metricsText: string;
  active = 0;
  maxActive = 0;
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
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        this.json(
          res,
          400,
          errorEnvelope(this.options.dialect, 400, 'invalid JSON body', 'BadRequestError'),
        );
        return;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      this.requests.push({ method: req.method ?? 'GET', path, body });
      if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(this.metricsText);
        return;
      }
      this.active += 1;
      this.maxActive = Math.max(this.maxActive, this.active);
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        this.active -= 1;
      };
      res.on('close', done);
      const fault = this.faults.shift();
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        done();
        return;
      }
      if (fault?.kind === 'hang') return;
      const delay = (fault?.kind === 'delay' ? fault.ms : 0) + this.options.latencyMs;
      const answer = (): void => {
        if (res.destroyed) return;
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
    } else {
      this.json(res, 404, errorEnvelope(d, 404, `Not Found: ${path}`, 'NotFoundError'));
    }
  }

  private completions(body: Record<string, unknown>, res: ServerResponse): void {
    const d = this.options.dialect;
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    const stop = Array.isArray(body.stop)
      ? body.stop.filter((s): s is string => typeof s === 'string')
      : [];
    const seed = typeof body.seed === 'number' ? body.seed : 0;
    const maxTokens = Number(d === 'llamacpp' ? body.n_predict : body.max_tokens);
    const n = d === 'llamacpp' ? 1 : Number(body.n ?? 1);
    const promptTokens = prompt.length;
    const limit = this.options.contextLimit;
    const overflow = d === 'llamacpp' ? promptTokens > limit : promptTokens + maxTokens > limit;
    if (overflow) {
      this.json(res, 400, contextOverflowBody(d, 'completions', limit, promptTokens, maxTokens));
      return;
    }
    const samples = Array.from({ length: n }, (_, i) =>
      this.options.sample(prompt, seed + i, stop),
    );
    const first = samples[0];
    if (d === 'llamacpp' && first !== undefined) {
      this.json(res, 200, llamacppCompletionBody(prompt, promptTokens, first, seed));
    } else {
      this.json(res, 200, completionBody(d, this.options.model, promptTokens, samples));
    }
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
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}

function defaultSample(prompt: string, seed: number, stop: readonly string[]): FakeSample {
  const text = `# sample ${seed}\nx = ${seed}\n`;
  if (prompt.includes('[len]'))
    return { text, stop: null, finish: 'length', completionTokens: text.length };
  if (prompt.includes('[eos]'))
    return { text, stop: null, finish: 'stop', completionTokens: text.length };
  return { text, stop: stop[0] ?? null, finish: 'stop', completionTokens: text.length };
}
