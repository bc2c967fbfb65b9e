/**
 * Queue names and key layout. One queue per hop: `shards` (orchestrator → workers) and `rounds`
 * (the parent job of each round phase, run by the orchestrator once every shard is done).
 * The prefix defaults to `{rstar}`: the braces are a Redis Cluster hash tag, so every key of
 * both queues lands in one slot (CROSSSLOT otherwise).
 */
export const SHARD_QUEUE = 'shards';
export const ROUND_QUEUE = 'rounds';
export const DEFAULT_QUEUE_PREFIX = '{rstar}';

/**
 * Names of the jobs on `shards`: a worker runs each by its name (a round's shard: search its
 * problems; an eval shard: answer its problems under the evaluation's modes). Payloads:
 * ShardJobDataSchema and EvalShardJobDataSchema in @rstar-fleet/protocol.
 */
export const SHARD_JOB = 'shard';
export const EVAL_SHARD_JOB = 'eval-shard';

/**
 * Names of the jobs on `rounds` (parents, run by an orchestrator once their children are done):
 * a round phase's (escalate or complete the round) and an evaluation's (write its report).
 */
export const ROUND_JOB = 'round';
export const EVAL_JOB = 'eval';

/** Redis key of a BullMQ list/zset of a queue (what the KEDA scaler and status read). */
export function queueKey(prefix: string, queue: string, suffix: string): string {
  return `${prefix}:${queue}:${suffix}`;
}

/** Redis key of a run's orchestrator lease (one orchestrator per run; see run-lease.ts). */
export function runLeaseKey(prefix: string, run: string): string {
  return `${prefix}:run-lease:${run}`;
}

/**
 * Redis key of a run's fencing counter: INCR'd at each lease acquisition and never expired, so a
 * holder can tell whether anyone else acquired the lease since it did.
 */
export function runFenceKey(prefix: string, run: string): string {
  return `${prefix}:run-fence:${run}`;
}

/**
 * Rollout worker health (see worker-health.ts): one key per worker (`<prefix>:worker-health:<name>`,
 * with a TTL) and an index of the worker names scored by when their record expires.
 */
export function workerHealthKey(prefix: string, worker: string): string {
  return `${prefix}:worker-health:${worker}`;
}

export function workerHealthIndexKey(prefix: string): string {
  return `${prefix}:worker-health`;
}
