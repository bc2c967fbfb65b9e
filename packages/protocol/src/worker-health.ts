import { z } from 'zod';

/**
 * What a rollout worker publishes about the services it depends on (DESIGN §8: a dependency a
 * worker cannot reach shows in `status` within seconds). One record per worker, rewritten every
 * probe interval with a TTL, so a worker that died simply drops out. Endpoints are addresses
 * (`host:port`) or the plan's endpoint names, never credentials.
 */
export const WORKER_HEALTH_VERSION = 1 as const;

/** The services a worker needs: the sandbox, the policy and PPM servers, Redis. */
export const DEPENDENCY_KINDS = ['sandbox', 'policy', 'ppm', 'redis'] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

export const DependencyHealthSchema = z.strictObject({
  dependency: z.enum(DEPENDENCY_KINDS),
  /** Sandbox address, inference endpoint name, or Redis `host:port`. */
  endpoint: z.string().min(1),
  up: z.boolean(),
  /** When it entered its current state (ISO 8601). */
  since: z.string().min(1),
  /** The last failure's code: an errno (`ECONNREFUSED`), `grpc UNAVAILABLE`, `HTTP 503`, ... */
  code: z.string().nullable(),
  /** The last failure's message; null while up. */
  error: z.string().nullable(),
});
export type DependencyHealth = z.infer<typeof DependencyHealthSchema>;

export const WorkerHealthRecordSchema = z.strictObject({
  v: z.literal(WORKER_HEALTH_VERSION),
  worker: z.string().min(1),
  /** When the record was written (ISO 8601). */
  at: z.string().min(1),
  /** The worker's /readyz answer: serving, and every dependency up. */
  ready: z.boolean(),
  dependencies: z.array(DependencyHealthSchema),
});
export type WorkerHealthRecord = z.infer<typeof WorkerHealthRecordSchema>;
