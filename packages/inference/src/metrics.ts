import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Why an attempt failed; the `kind` label of `rstar_inference_errors_total`. */
export const ERROR_KINDS = [
  'connection',
  'timeout',
  'http_429',
  'http_5xx',
  'http_4xx',
  'context_overflow',
  'malformed',
  'cancelled',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];

type Labels = 'endpoint' | 'role';

/**
 * The inference metrics on a caller's registry. One instance per registry (policy and reward
 * clients on the same registry share it, since prom-client refuses a name registered twice).
 * Labels are the endpoint's name and its role only: never problem, node or request ids.
 */
export class InferenceMetrics {
  readonly duration: Histogram<Labels>;
  readonly requests: Counter<Labels>;
  readonly promptTokens: Counter<Labels>;
  readonly completionTokens: Counter<Labels>;
  readonly errors: Counter<Labels | 'kind'>;
  readonly retries: Counter<Labels>;
  readonly inFlight: Gauge<Labels>;
  readonly inFlightLimit: Gauge<Labels>;
  readonly queued: Gauge<Labels>;
  readonly healthy: Gauge<Labels>;

  private static readonly byRegistry = new WeakMap<Registry, InferenceMetrics>();

  static for(registry: Registry): InferenceMetrics {
    let m = InferenceMetrics.byRegistry.get(registry);
    if (m === undefined) {
      m = new InferenceMetrics(registry);
      InferenceMetrics.byRegistry.set(registry, m);
    }
    return m;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['endpoint', 'role'] as const;
    this.duration = new Histogram({
      name: 'rstar_inference_request_duration_seconds',
      help: 'Duration of each HTTP attempt to an inference endpoint (failed attempts included).',
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.requests = new Counter({
      name: 'rstar_inference_requests_total',
      help: 'HTTP attempts sent to an inference endpoint (retries included).',
      labelNames,
      registers,
    });
    this.promptTokens = new Counter({
      name: 'rstar_inference_prompt_tokens_total',
      help: 'Prompt (input) tokens the server reported processing.',
      labelNames,
      registers,
    });
    this.completionTokens = new Counter({
      name: 'rstar_inference_completion_tokens_total',
      help: 'Completion (output) tokens the server reported generating.',
      labelNames,
      registers,
    });
    this.errors = new Counter({
      name: 'rstar_inference_errors_total',
      help: 'Failed attempts, by kind (a retried attempt counts too).',
      labelNames: ['endpoint', 'role', 'kind'] as const,
      registers,
    });
    this.retries = new Counter({
      name: 'rstar_inference_retries_total',
      help: 'Attempts re-sent after a connection error, 429 or 5xx.',
      labelNames,
      registers,
    });
    this.inFlight = new Gauge({
      name: 'rstar_inference_in_flight_requests',
      help: 'HTTP requests to the endpoint awaiting an answer.',
      labelNames,
      registers,
    });
    this.inFlightLimit = new Gauge({
      name: 'rstar_inference_in_flight_limit',
      help: 'Current in-flight budget of the endpoint (moves when adaptive).',
      labelNames,
      registers,
    });
    this.queued = new Gauge({
      name: 'rstar_inference_queued_requests',
      help: 'Requests waiting in the client for an in-flight slot of the endpoint.',
      labelNames,
      registers,
    });
    this.healthy = new Gauge({
      name: 'rstar_inference_endpoint_healthy',
      help: '1 while the replica takes traffic, 0 while it is skipped after failures.',
      labelNames,
      registers,
    });
  }

  /** Creates the endpoint's series at zero so dashboards see it before the first error. */
  register(endpoint: string, role: string): void {
    for (const kind of ERROR_KINDS) this.errors.labels(endpoint, role, kind).inc(0);
    this.retries.labels(endpoint, role).inc(0);
    this.requests.labels(endpoint, role).inc(0);
    this.promptTokens.labels(endpoint, role).inc(0);
    this.completionTokens.labels(endpoint, role).inc(0);
    this.inFlight.labels(endpoint, role).set(0);
    this.queued.labels(endpoint, role).set(0);
    this.healthy.labels(endpoint, role).set(1);
  }
}
