import type { JobsOptions } from 'bullmq';

/**
 * Retry and retention of shard jobs (queue-grpc-k8s.md §1.2). A shard is re-runnable at no cost
 * beyond its unfinished problems (results are keyed by search unit), so retries are generous;
 * finished jobs are trimmed so Redis does not grow with the run, while shard completion is also
 * recorded durably in the store (the results log), which is what idempotency rests on.
 */
export interface ShardRetryOptions {
  /** Attempts before a shard is reported failed. Default 5. */
  attempts?: number;
  /** First backoff delay, doubled per attempt, with ±50 % jitter. Default 10 000 ms. */
  backoffMs?: number;
}

export function shardJobOptions(options: ShardRetryOptions = {}): JobsOptions {
  return {
    attempts: options.attempts ?? 5,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 10_000, jitter: 0.5 },
    removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
    removeOnFail: { age: 30 * 24 * 3600, count: 100_000 },
    // A shard that fails for good must not hold the round back forever: the round completes
    // with it listed as failed, and `rstar-fleet requeue` can finish it later.
    ignoreDependencyOnFailure: true,
  };
}

/** The round parent: it runs the round's completion (datasets, hooks) in the orchestrator. */
export function roundJobOptions(): JobsOptions {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000, jitter: 0.5 },
    removeOnComplete: { age: 30 * 24 * 3600, count: 10_000 },
    removeOnFail: { age: 30 * 24 * 3600, count: 10_000 },
  };
}
