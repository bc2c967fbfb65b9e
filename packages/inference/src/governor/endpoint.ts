import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import {
  InferenceCancelledError,
  InferenceDeadlineError,
  InferenceMalformedError,
  InferenceOverloadedError,
  InferenceRequestError,
  InferenceSampleError,
  InferenceUnavailableError,
  type CallSite,
} from '../errors';
import { contextOverflowFrom, isContextOverflow } from '../http/context-overflow';
import { parseErrorBody } from '../http/error-body';
import { isUnusableSample } from '../http/sample-error';
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

/** How one request is sent: what may abort it and where it stands in its replica order. */
export interface CallOptions {
  /** Aborts the request: the caller's signal, or a fan-out group's (which a failed sibling fires). */
  signal?: AbortSignal | undefined;
  /** The caller's own signal: an abort counts as `errors{kind="cancelled"}` only when it fired. */
  callerSignal?: AbortSignal | undefined;
  /**
   * The last replica the request tries (the replica set says): a passed deadline is retried here
   * (elsewhere the request moves on at once), and an unreachable server for the reconnect window.
   */
  lastReplica: boolean;
}

type Verdict =
  | { retry: false; json: unknown }
  | {
      retry: true;
      kind: ErrorKind;
      error: Error;
      retryAfterMs?: number | undefined;
      /** Refused, reset or 503: the server is down or restarting, not slow. */
      unreachable: boolean;
    };

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
  /** One connection of its own for /metrics, the health probe and /props (see constructor). */
  private readonly control: Agent;
  private readonly site: CallSite;
  private timer: NodeJS.Timeout | undefined;
  private lastPreemptions: number | undefined;
  private readonly latency: LatencyEstimate | null;
  /** Sequences of the requests in flight (`n` each), for llama.cpp's derived queue. */
  private inFlightSequences = 0;

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
    // Sockets sized to the largest budget the governor may grant, idle sockets closed before the
    // server's own keep-alive timeout (uvicorn: 5 s) closes them.
    const keepAlive = {
      pipelining: 1,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      keepAliveMaxTimeout: settings.keepAliveTimeoutMs,
    };
    this.agent = new Agent({
      connections: settings.adaptive?.maxInFlight ?? settings.maxInFlight,
      ...keepAlive,
    });
    // The control requests never queue behind the requests they are about: llama-server gives
    // each connection a thread of a fixed pool, and a burst of requests beyond it waits unseen in
    // its HTTP layer, where a new connection for /metrics would wait too. A kept-alive one keeps
    // its thread.
    this.control = new Agent({ connections: 1, ...keepAlive });
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
    await Promise.all([this.agent.close(), this.control.close()]);
  }

  countTokens(prompt: number, completion: number): void {
    if (prompt > 0) this.metrics.promptTokens.labels(this.name, this.role).inc(prompt);
    if (completion > 0) this.metrics.completionTokens.labels(this.name, this.role).inc(completion);
  }

  /**
   * POSTs `body` (JSON) to `path` and returns the parsed answer. Retries connection errors, 429
   * and 5xx with backoff, at most `maxRetries` times, except that on the last replica a server
   * that refuses connections or answers 503 is retried for the reconnect window (a restart). A
   * passed deadline is retried with a doubled deadline (up to the size bound) on the last replica
   * only, unless a health probe finds the server stopped: then it is a connection failure.
   * Throws a typed error for everything else (see README "Errors").
   */
  async postJson(
    path: string,
    body: unknown,
    size: RequestSize,
    call: CallOptions,
  ): Promise<unknown> {
    const payload = JSON.stringify(body);
    const bound = deadlineMs(size, this.settings.deadline);
    let deadline = this.deadlineFor(size);
    const { maxRetries, reconnectWindowMs } = this.settings.retries;
    const reconnectUntil = performance.now() + Math.min(reconnectWindowMs, bound);
    for (let attempt = 0; ; attempt += 1) {
      const verdict = await this.attempt(path, payload, deadline, bound, size, call);
      if (!verdict.retry) return verdict.json;
      this.metrics.errors.labels(this.name, this.role, verdict.kind).inc();
      const restarting =
        verdict.unreachable && call.lastReplica && performance.now() < reconnectUntil;
      if (
        !restarting &&
        (attempt >= maxRetries || (verdict.kind === 'timeout' && !call.lastReplica))
      ) {
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
        await sleep(
          restarting ? Math.min(delay, Math.max(0, reconnectUntil - performance.now())) : delay,
          call.signal,
        );
      } catch (err) {
        throw this.cancelled(call, err);
      }
    }
  }

  /**
   * A GET outside the in-flight budget (like the /metrics poll): the parsed JSON body of a 200
   * answer, or undefined when there is none in `timeoutMs` (no retries).
   */
  async getJson(path: string, timeoutMs: number): Promise<unknown> {
    try {
      const answer = await send(this.control, this.url + path, {
        method: 'GET',
        headers: this.config.headers,
        deadlineMs: timeoutMs,
      });
      return answer.status === 200 ? (JSON.parse(answer.text) as unknown) : undefined;
    } catch {
      return undefined;
    }
  }

  /** One pass of the adaptive loop (public so tests can drive it without timers). */
  async adapt(): Promise<void> {
    const adaptive = this.settings.adaptive;
    if (adaptive === null) return;
    let answer: HttpAnswer;
    try {
      answer = await send(this.control, this.url + adaptive.metricsPath, {
        method: 'GET',
        headers: this.config.headers,
        deadlineMs: Math.min(adaptive.intervalMs, 5000),
      });
    } catch {
      return; // an unreachable /metrics leaves the budget as it is; requests report the outage
    }
    if (answer.status !== 200) return;
    const load = readServerLoad(answer.text, this.inFlightSequences);
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

  /** A cancellation, counted only when the caller cancelled (not when a sibling's failure did). */
  private cancelled(call: CallOptions, cause: unknown): InferenceCancelledError {
    const error = new InferenceCancelledError(undefined, { cause });
    return call.callerSignal?.aborted === true ? this.fail('cancelled', error) : error;
  }

  /**
   * After a passed deadline: whether the server is stopping or restarting rather than slow. A
   * llama-server stopped with SIGTERM closes its listener (refused) but never answers the requests
   * in flight; one that is loading answers 503.
   */
  private async stopped(): Promise<boolean> {
    const probe = this.settings.healthProbe;
    if (probe === null) return false;
    try {
      const answer = await send(this.control, this.url + probe.path, {
        method: 'GET',
        headers: this.config.headers,
        deadlineMs: probe.timeoutMs,
      });
      return answer.status === 503;
    } catch (err) {
      return err instanceof AttemptFailure && err.kind === 'connection';
    }
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
    size: RequestSize,
    call: CallOptions,
  ): Promise<Verdict> {
    let release: () => void;
    const acquiring = this.limiter.acquire(call.signal);
    this.gauges();
    try {
      release = await acquiring;
    } catch (err) {
      this.gauges();
      throw this.cancelled(call, err);
    }
    this.gauges();
    this.metrics.requests.labels(this.name, this.role).inc();
    const stop = this.metrics.duration.labels(this.name, this.role);
    const started = performance.now();
    this.inFlightSequences += size.sequences;
    let answer: HttpAnswer;
    try {
      answer = await send(this.agent, this.url + path, {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', ...this.config.headers },
        deadlineMs: deadline,
        signal: call.signal,
      });
    } catch (err) {
      if (!(err instanceof AttemptFailure)) throw err;
      if (err.kind === 'cancelled') throw this.cancelled(call, err);
      if (err.kind === 'timeout' && !(await this.stopped())) {
        return {
          retry: true,
          kind: 'timeout',
          error: new InferenceDeadlineError(this.site, deadline, { cause: err }),
          unreachable: false,
        };
      }
      const what = err.kind === 'timeout' ? 'server stopped (health probe)' : err.message;
      return {
        retry: true,
        kind: 'connection',
        error: new InferenceUnavailableError(this.site, `connection failed: ${what}`, undefined, {
          cause: err,
        }),
        unreachable: true,
      };
    } finally {
      this.inFlightSequences -= size.sequences;
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
    if (isUnusableSample(status, body)) {
      throw this.fail('http_5xx', new InferenceSampleError(this.site, body.message, { cause }));
    }
    if (status === 429) {
      return {
        retry: true,
        kind: 'http_429',
        error: new InferenceOverloadedError(this.site, `overloaded (429): ${body.message}`, {
          cause,
        }),
        retryAfterMs: parseRetryAfterMs(answer.retryAfter, Date.now()),
        unreachable: false,
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
        // llama.cpp answers 503 while it loads its model (after a restart), vLLM while starting.
        unreachable: status === 503,
      };
    }
    if (status === 408) {
      // SGLang's router answers 408 when a request timed out in its queue: a deadline, not a bug.
      return {
        retry: true,
        kind: 'timeout',
        error: new InferenceDeadlineError(this.site, deadline, { cause }),
        unreachable: false,
      };
    }
    throw this.fail(
      'http_4xx',
      new InferenceRequestError(this.site, status, body.message, { cause }),
    );
  }
}
