import { Registry } from 'prom-client';
import { z } from 'zod';
import { resolveEndpoint, type EndpointInput } from '@rstar-fleet/protocol';

/** One server of a role. */
export interface EndpointOptions {
  /** Base URL, e.g. `http://vllm-0:8000` (paths like `/v1/completions` are appended). */
  url: string;
  /** Label in metrics and errors. Default: the URL's `host:port`. Must be unique per client. */
  name?: string;
}

/** Per-endpoint request governor; every field optional. */
export interface GovernorOptions {
  /** Requests in flight per endpoint (the start value when `adaptive` is set). Default 64. */
  maxInFlight?: number;
  retries?: {
    /** Re-sends after a connection error, 429 or 5xx (never 400). Default 3. */
    maxRetries?: number;
    /** Cap of the first backoff delay (full jitter), doubling per retry. Default 200 ms. */
    baseDelayMs?: number;
    /** Upper bound of any backoff delay, `Retry-After` included. Default 10 000 ms. */
    maxDelayMs?: number;
    /**
     * On the last replica a request tries, a server that refuses connections or answers 503 is
     * retried (same backoff) until this long after the request's first attempt, however many
     * retries that takes, so a restart (model load: tens of seconds) does not fail the request.
     * Never past the request's deadline size bound. Elsewhere `maxRetries` applies and the
     * request fails over. Default 30 000 ms.
     */
    reconnectWindowMs?: number;
  };
  /**
   * Deadline of each attempt. The size bound = baseMs + perOutputTokenMs × max_tokens +
   * perInputCharMs × prompt chars, ≤ maxMs, is the ceiling; with `adaptive` (default on) an
   * attempt gets what this endpoint's answers really take (below), and each retry after a
   * deadline doubles it, up to the bound. A passed deadline is retried (on another replica first).
   */
  deadline?: {
    /** Default 10 000 ms (queueing, time to first token). */
    baseMs?: number;
    /** Default 50 ms per token the server may generate (p99 inter-token latency plus slack). */
    perOutputTokenMs?: number;
    /** Default 0.005 ms per prompt character (prefill). */
    perInputCharMs?: number;
    /** Default 600 000 ms. */
    maxMs?: number;
    /**
     * Learn the deadline from answered requests, like TCP's retransmission timer (RFC 6298):
     * smoothed mean + `deviations` × mean deviation of each answer's duration relative to its
     * size bound, times the request's own bound, at least `floorMs`. `false`: always the bound.
     */
    adaptive?:
      | false
      | {
          /** The shortest learned deadline. Default 5000 ms. */
          floorMs?: number;
          /** Mean deviations above the mean. Default 4 (as RFC 6298). */
          deviations?: number;
          /** Answers seen before the estimate is used (until then: the bound). Default 8. */
          warmupSamples?: number;
        };
  };
  /**
   * After an attempt's deadline passed, a GET of `path` with this short deadline: refused,
   * reset or 503 means the server is stopping or restarting (llama.cpp stopped with SIGTERM
   * closes its listener and never answers the requests in flight), and the attempt counts as a
   * connection failure (retried, see `retries.reconnectWindowMs`) instead of a deadline.
   * `false` turns it off. Default `{ path: '/health', timeoutMs: 1000 }`.
   */
  healthProbe?: false | { path?: string; timeoutMs?: number };
  /**
   * Moves the in-flight budget from the server's Prometheus `/metrics` (AIMD): grows while its
   * queue is short and KV use is low, halves on preemptions, KV ≥ maxKvUsage or a long queue.
   * Off unless given.
   */
  adaptive?: {
    /** Default 4. */
    minInFlight?: number;
    /** Default 512. */
    maxInFlight?: number;
    /** Poll period. Default 5000 ms. */
    intervalMs?: number;
    /**
     * Server queue length to aim at (vLLM waiting, SGLang queue; llama.cpp: this client's
     * sequences in flight minus `requests_processing`, its busy slots). Default 16.
     */
    targetWaiting?: number;
    /** Default 0.9. */
    maxKvUsage?: number;
    /** Default 0.5. */
    decreaseFactor?: number;
    /** Default 4. */
    increaseStep?: number;
    /** Default `/metrics`. */
    metricsPath?: string;
  };
  /** Idle keep-alive sockets close after this; keep it below the server's (uvicorn: 5 s). Default 4000 ms. */
  keepAliveTimeoutMs?: number;
  /** Random source of the backoff jitter, in [0, 1). Default Math.random (tests inject one). */
  random?: () => number;
}

/** Replica health. */
export interface RoutingOptions {
  /** How long a replica that failed after its retries is skipped. Default 5000 ms. */
  cooldownMs?: number;
  /** Repeated failures double the cool-down up to this. Default 60 000 ms. */
  maxCooldownMs?: number;
  /** Clock (epoch ms); tests inject one. Default Date.now. */
  now?: () => number;
}

/** Options every client takes. */
export interface CommonClientOptions {
  /** The replicas of this role (at least one). */
  endpoints: EndpointOptions[];
  governor?: GovernorOptions;
  routing?: RoutingOptions;
  /** Metrics go here (`rstar_inference_*`); default: a private registry (nothing exported). */
  registry?: Registry;
  /** Extra HTTP headers on every request, e.g. `authorization` for a hosted server. */
  headers?: Record<string, string>;
  /** Fields merged last into every request body (e.g. `add_special_tokens: false`). */
  extraBody?: Record<string, unknown>;
}

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'expected a function');
const posInt = z.number().int().min(1);
const nonNeg = z.number().min(0);

const url = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http(s) URL');

export const endpointSchema = z.strictObject({ url, name: z.string().min(1).optional() });

export const governorSchema = z.strictObject({
  maxInFlight: posInt.max(65536).default(64),
  retries: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(20).default(3),
      baseDelayMs: nonNeg.default(200),
      maxDelayMs: nonNeg.default(10_000),
      reconnectWindowMs: nonNeg.default(30_000),
    })
    .prefault({}),
  deadline: z
    .strictObject({
      baseMs: posInt.default(10_000),
      perOutputTokenMs: nonNeg.default(50),
      perInputCharMs: nonNeg.default(0.005),
      maxMs: posInt.default(600_000),
      adaptive: z
        .union([
          z.literal(false).transform(() => null),
          z.strictObject({
            floorMs: posInt.default(5000),
            deviations: nonNeg.default(4),
            warmupSamples: z.number().int().min(0).default(8),
          }),
        ])
        .prefault({}),
    })
    .prefault({}),
  healthProbe: z
    .union([
      z.literal(false).transform(() => null),
      z.strictObject({
        path: z.string().startsWith('/').default('/health'),
        timeoutMs: posInt.default(1000),
      }),
    ])
    .prefault({}),
  adaptive: z
    .strictObject({
      minInFlight: posInt.default(4),
      maxInFlight: posInt.max(65536).default(512),
      intervalMs: posInt.default(5000),
      targetWaiting: nonNeg.default(16),
      maxKvUsage: z.number().gt(0).max(1).default(0.9),
      decreaseFactor: z.number().gt(0).lt(1).default(0.5),
      increaseStep: posInt.default(4),
      metricsPath: z.string().startsWith('/').default('/metrics'),
    })
    .refine((a) => a.minInFlight <= a.maxInFlight, {
      message: 'minInFlight must not exceed maxInFlight',
      path: ['minInFlight'],
    })
    .optional(),
  keepAliveTimeoutMs: posInt.default(4000),
  random: fn<() => number>().default(() => Math.random),
});

export const routingSchema = z.strictObject({
  cooldownMs: nonNeg.default(5000),
  maxCooldownMs: nonNeg.default(60_000),
  now: fn<() => number>().default(() => Date.now),
});

export const commonShape = {
  endpoints: z.array(endpointSchema).min(1),
  governor: governorSchema.prefault({}),
  routing: routingSchema.prefault({}),
  registry: z
    .custom<Registry>((v) => v instanceof Registry, 'expected a prom-client Registry')
    .optional(),
  headers: z.record(z.string(), z.string()).default({}),
  extraBody: z.record(z.string(), z.unknown()).default({}),
};

/** Endpoint names default to host:port (resolveEndpoint) and must be unique (they are metric labels). */
export function endpointNames(endpoints: readonly EndpointInput[]): string[] {
  return endpoints.map((e) => resolveEndpoint(e).name);
}

/** Rejects two endpoints with the same name (explicit or derived), pointing at the second. */
export function uniqueNames(
  value: { endpoints: { url: string; name?: string | undefined }[] },
  ctx: z.core.$RefinementCtx,
): void {
  const seen = new Set<string>();
  endpointNames(value.endpoints).forEach((name, i) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate endpoint name "${name}" (set distinct names)`,
        path: ['endpoints', i, 'name'],
      });
    }
    seen.add(name);
  });
}
