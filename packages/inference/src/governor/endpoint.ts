import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import {
  InferenceCancelledError,
  InferenceDeadlineError,
  InferenceMalformedError,
  InferenceOverloadedError,
  InferenceRequestError,
  InferenceUnavailableError,
  type CallSite,
} from '../errors';
import { contextOverflowFrom, isContextOverflow } from '../http/context-overflow';
import { parseErrorBody } from '../http/error-body';
import { AttemptFailure, send, type HttpAnswer } from '../http/transport';
import type { ErrorKind, InferenceMetrics } from '../metrics';
import { nextLimit } from './aimd';
import { backoffDelayMs, parseRetryAfterMs } from './backoff';
import { LatencyEstimate } from './latency';
import { InFlightLimiter } from './limiter';
import { readServerLoad } from './prometheus-text';
import { deadlineMs, type GovernorSettings, type RequestSize } from './settings';
import { sleep } from './sleep';

export interface EndpointConfig {
  name: string;
  /** Base URL without a trailing slash. */
  url: string;
  role: string;
  headers: Record<string, string>;
}

type Verdict =
  | { retry: false; json: unknown }
  | { retry: true; kind: ErrorKind; error: Error; retryAfterMs?: number | undefined };

/**
 * One server: its keep-alive connection pool, in-flight budget, retry loop and (optionally) the
 * adaptive loop that moves the budget from the server's /metrics. Everything a request to this
 * server needs except the choice of server, which is the replica set's.
 */
export class Endpoint {
  readonly name: string;
  readonly url: string;
  readonly role: string;
  readonly limiter: InFlightLimiter;
  private readonly agent: Agent;
  private readonly site: CallSite;
  private timer: NodeJS.Timeout | undefined;
  private lastPreemptions: number | undefined;
  private readonly latency: LatencyEstimate | null;

  constructor(
    private readonly config: EndpointConfig,
    private readonly settings: GovernorSettings,
    private readonly metrics: InferenceMetrics,
  ) {
    this.name = config.name;
    this.url = config.url;
    this.role = config.role;
    this.site = { endpoint: config.name, role: config.role };
    this.limiter = new InFlightLimiter(settings.maxInFlight);
    const learned = settings.deadline.adaptive;
    this.latency = learned === null ? null : new LatencyEstimate(learned);
    // Sockets sized to the largest budget the governor may grant (+1 for the /metrics poll),
    // idle sockets closed before the server's own keep-alive timeout (uvicorn: 5 s) closes them.
    const maxConnections = (settings.adaptive?.maxInFlight ?? settings.maxInFlight) + 1;
    this.agent = new Agent({
      connections: maxConnections,
      pipelining: 1,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      keepAliveMaxTimeout: settings.keepAliveTimeoutMs,
    });
    metrics.register(this.name, this.role);
    metrics.inFlightLimit.labels(this.name, this.role).set(this.limiter.limit);
  }

  /** The first attempt's deadline: learned from this endpoint's answers, at most the size bound. */
  deadlineFor(size: RequestSize): number {
    const bound = deadlineMs(size, this.settings.deadline);
    return this.latency === null ? bound : this.latency.deadlineMs(bound);
  }

  /** Starts the adaptive loop, if configured. */
  start(): void {
    const adaptive = this.settings.adaptive;
    if (adaptive === null || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.adapt(), adaptive.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.agent.close();
  }

  countTokens(prompt: number, completion: number): void {
    if (prompt > 0) this.metrics.promptTokens.labels(this.name, this.role).inc(prompt);
    if (completion > 0) this.metrics.completionTokens.labels(this.name, this.role).inc(completion);
  }

  /**
   * POSTs `body` (JSON) to `path` and returns the parsed answer. Retries connection errors, 429
   * and 5xx with backoff, and a passed deadline with a doubled one (up to the size bound) unless
   * `retryTimeouts` is false (the replica set then tries another replica first); throws a typed
   * error for everything else (see README "Errors").
   */
  async postJson(
    path: string,
    body: unknown,
    size: RequestSize,
    signal: AbortSignal | undefined,
    retryTimeouts: boolean,
  ): Promise<unknown> {
    const payload = JSON.stringify(body);
    const bound = deadlineMs(size, this.settings.deadline);
    let deadline = this.deadlineFor(size);
    const { maxRetries } = this.settings.retries;
    for (let attempt = 0; ; attempt += 1) {
      const verdict = await this.attempt(path, payload, deadline, bound, signal);
      if (!verdict.retry) return verdict.json;
      this.metrics.errors.labels(this.name, this.role, verdict.kind).inc();
      if (attempt >= maxRetries || (verdict.kind === 'timeout' && !retryTimeouts)) {
        throw verdict.error;
      }
      // A request that outlived its learned deadline may just be a long one: as TCP backs off its
      // retransmission timer, the next attempt waits twice as long, never past the size bound.
      if (verdict.kind === 'timeout') deadline = Math.min(bound, deadline * 2);
      this.metrics.retries.labels(this.name, this.role).inc();
      const delay = backoffDelayMs(
        attempt,
        this.settings.retries,
        this.settings.random,
        verdict.retryAfterMs,
      );
      try {
        await sleep(delay, signal);
      } catch (err) {
        throw this.fail('cancelled', new InferenceCancelledError(undefined, { cause: err }));
      }
    }
  }

  /** One pass of the adaptive loop (public so tests can drive it without timers). */
  async adapt(): Promise<void> {
    const adaptive = this.settings.adaptive;
    if (adaptive === null) return;
    let answer: HttpAnswer;
    try {
      answer = await send(this.agent, this.url + adaptive.metricsPath, {
        method: 'GET',
        headers: this.config.headers,
        deadlineMs: Math.min(adaptive.intervalMs, 5000),
      });
    } catch {
      return; // an unreachable /metrics leaves the budget as it is; requests report the outage
    }
    if (answer.status !== 200) return;
    const load = readServerLoad(answer.text);
    const limit = nextLimit(
      {
        limit: this.limiter.limit,
        load,
        previousPreemptions: this.lastPreemptions,
        saturated: this.limiter.queued > 0 || this.limiter.inFlight >= this.limiter.limit,
      },
      adaptive,
    );
    this.lastPreemptions = load.preemptions ?? this.lastPreemptions;
    this.limiter.setLimit(limit);
    this.metrics.inFlightLimit.labels(this.name, this.role).set(this.limiter.limit);
  }

  /** For a dialect that cannot read a 2xx answer: counted as `malformed`, never retried. */
  malformed(message: string): InferenceMalformedError {
    return this.fail('malformed', new InferenceMalformedError(this.site, message));
  }

  /** Counts a failure a dialect found in a 2xx answer (e.g. llama.cpp's truncated prompt). */
  recordError(kind: ErrorKind): void {
    this.metrics.errors.labels(this.name, this.role, kind).inc();
  }

  private fail<E extends Error>(kind: ErrorKind, error: E): E {
    this.recordError(kind);
    return error;
  }

  private gauges(): void {
    this.metrics.inFlight.labels(this.name, this.role).set(this.limiter.inFlight);
    this.metrics.queued.labels(this.name, this.role).set(this.limiter.queued);
  }

  private async attempt(
    path: string,
    payload: string,
    deadline: number,
    bound: number,
    signal: AbortSignal | undefined,
  ): Promise<Verdict> {
    let release: () => void;
    const acquiring = this.limiter.acquire(signal);
    this.gauges();
    try {
      release = await acquiring;
    } catch (err) {
      this.gauges();
      throw this.fail('cancelled', new InferenceCancelledError(undefined, { cause: err }));
    }
    this.gauges();
    this.metrics.requests.labels(this.name, this.role).inc();
    const stop = this.metrics.duration.labels(this.name, this.role);
    const started = performance.now();
    let answer: HttpAnswer;
    try {
      answer = await send(this.agent, this.url + path, {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', ...this.config.headers },
        deadlineMs: deadline,
        signal,
      });
    } catch (err) {
      if (!(err instanceof AttemptFailure)) throw err;
      if (err.kind === 'cancelled') {
        throw this.fail('cancelled', new InferenceCancelledError(undefined, { cause: err }));
      }
      if (err.kind === 'timeout') {
        return {
          retry: true,
          kind: 'timeout',
          error: new InferenceDeadlineError(this.site, deadline, { cause: err }),
        };
      }
      return {
        retry: true,
        kind: 'connection',
        error: new InferenceUnavailableError(
          this.site,
          `connection failed: ${err.message}`,
          undefined,
          {
            cause: err,
          },
        ),
      };
    } finally {
      stop.observe((performance.now() - started) / 1000);
      release();
      this.gauges();
    }
    const verdict = this.judge(answer, deadline);
    if (!verdict.retry) this.latency?.observe(performance.now() - started, bound);
    return verdict;
  }

  private judge(answer: HttpAnswer, deadline: number): Verdict {
    const { status, text } = answer;
    if (status >= 200 && status < 300) {
      try {
        return { retry: false, json: JSON.parse(text) as unknown };
      } catch (err) {
        throw this.fail(
          'malformed',
          new InferenceMalformedError(this.site, `HTTP ${status} body is not valid JSON`, {
            cause: err,
          }),
        );
      }
    }
    const body = parseErrorBody(text);
    const cause = new Error(`HTTP ${status}: ${body.message}`);
    if (isContextOverflow(body)) {
      throw this.fail('context_overflow', contextOverflowFrom(body, this.name, cause));
    }
    if (status === 429) {
      return {
        retry: true,
        kind: 'http_429',
        error: new InferenceOverloadedError(this.site, `overloaded (429): ${body.message}`, {
          cause,
        }),
        retryAfterMs: parseRetryAfterMs(answer.retryAfter, Date.now()),
      };
    }
    if (status >= 500) {
      return {
        retry: true,
        kind: 'http_5xx',
        error: new InferenceUnavailableError(this.site, `HTTP ${status}: ${body.message}`, status, {
          cause,
        }),
        retryAfterMs: parseRetryAfterMs(answer.retryAfter, Date.now()),
      };
    }
    if (status === 408) {
      // SGLang's router answers 408 when a request timed out in its queue: a deadline, not a bug.
      return {
        retry: true,
        kind: 'timeout',
        error: new InferenceDeadlineError(this.site, deadline, { cause }),
      };
    }
    throw this.fail(
      'http_4xx',
      new InferenceRequestError(this.site, status, body.message, { cause }),
    );
  }
}
