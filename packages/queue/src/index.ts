/**
 * @rstar-fleet/queue — what the orchestrator and the rollout workers share about Redis: the
 * ioredis connection factory (producer vs worker behaviour), queue names and prefix, and the
 * BullMQ job options (retries with jittered backoff, retention). Payload schemas and job ids
 * live in @rstar-fleet/protocol (fleet-jobs.ts).
 */
export { bullConnection, createRedis, reconnectDelayMs, redisOptions } from './redis';
export type { RedisConnectionOptions, RedisRole } from './redis';
export {
  DEFAULT_QUEUE_PREFIX,
  EVAL_JOB,
  EVAL_SHARD_JOB,
  ROUND_JOB,
  ROUND_QUEUE,
  SHARD_JOB,
  SHARD_QUEUE,
  queueKey,
  runFenceKey,
  runLeaseKey,
} from './names';
export { roundJobOptions, shardJobOptions, type ShardRetryOptions } from './job-options';
export { workerHealthIndexKey, workerHealthKey } from './names';
export {
  pingRedis,
  publishWorkerHealth,
  readWorkerHealth,
  redisEndpoint,
  withdrawWorkerHealth,
} from './worker-health';
