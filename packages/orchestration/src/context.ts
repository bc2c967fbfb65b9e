import { FlowProducer, Queue, type RedisOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunPlan } from '@rstar-fleet/config';
import { RstarError } from '@rstar-fleet/protocol';
import { bullConnection, createRedis, ROUND_QUEUE, SHARD_QUEUE } from '@rstar-fleet/queue';
import { openStore, type ArtifactStore } from '@rstar-fleet/store';
import { Lifecycle, compileLifecycleOptions } from '@rstar-fleet/telemetry';

export interface FleetContextOptions {
  redisPassword?: string;
  store?: ArtifactStore;
  spoolDir?: string;
  /**
   * `worker` connections wait for Redis to come back (the long-running orchestrator);
   * `producer` ones fail fast (status, requeue, extract). Default producer.
   */
  role?: 'producer' | 'worker';
  connectionName?: string;
  /** Connect timeout of the Redis clients, ms. Default 10 000 (the queue package's). */
  connectTimeoutMs?: number;
}

/** Whether the raw client is connected to Redis now, and its last connection error. */
export interface RedisHealth {
  reachable: boolean;
  error: string | null;
}

/** What the orchestration functions share: the store, the two queues and a raw client. */
export interface FleetContext {
  readonly plan: RunPlan;
  readonly store: ArtifactStore;
  readonly prefix: string;
  readonly shards: Queue;
  readonly rounds: Queue;
  readonly flows: FlowProducer;
  /** A raw client for batched reads (status) and small scripts (requeue --stalled). */
  readonly redis: Redis;
  /** The raw client's connection state (no round trip): for readiness and status. */
  redisHealth(): RedisHealth;
  /**
   * Options for a BullMQ Worker on the same Redis (URL, password) that waits for Redis to come
   * back, named `connectionName`: a consumer of the round queue next to this context's producers.
   */
  workerConnection(connectionName: string): RedisOptions;
  close(): Promise<void>;
}

/** How long close() lets the queues close cleanly before disconnecting them. */
const CLOSE_GRACE_MS = 2000;

export async function openFleetContext(
  plan: RunPlan,
  options: FleetContextOptions = {},
): Promise<FleetContext> {
  const role = options.role ?? 'producer';
  const name = options.connectionName ?? 'rstar-orchestrator';
  const conn = {
    url: plan.redis.url,
    password: options.redisPassword,
    role,
    connectionName: name,
    ...(options.connectTimeoutMs === undefined
      ? {}
      : { connectTimeoutMs: options.connectTimeoutMs }),
  } as const;
  const prefix = plan.redis.prefix;
  const connection = bullConnection(conn);
  const shards = new Queue(SHARD_QUEUE, { connection, prefix });
  const rounds = new Queue(ROUND_QUEUE, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  // Errors surface on the calls that need Redis; the listeners keep them from going unhandled.
  shards.on('error', () => {});
  rounds.on('error', () => {});
  flows.on('error', () => {});
  let lastError: string | null = null;
  const redis = createRedis(conn, (err) => {
    lastError = err.message;
  });
  try {
    await redis.connect();
  } catch (cause) {
    redis.disconnect();
    await Promise.allSettled([shards.close(), rounds.close(), flows.close()]);
    throw new RstarError(
      'UNAVAILABLE',
      `cannot reach Redis at ${plan.redis.url}: ${String((cause as Error).message)}`,
      { cause },
    );
  }
  const store = options.store ?? (await openStore(plan.store, { spoolDir: options.spoolDir }));
  // Bounded: with Redis gone a clean close waits for a connection that never comes, so after
  // the grace the queues' connections are dropped.
  const lifecycle = new Lifecycle(
    'fleet context',
    compileLifecycleOptions({ graceMs: CLOSE_GRACE_MS, settleMs: 0, closeMs: CLOSE_GRACE_MS }),
  );
  lifecycle.running({
    drain: () => Promise.allSettled([shards.close(), rounds.close(), flows.close()]),
    abandon: () =>
      Promise.allSettled([shards.disconnect(), rounds.disconnect(), flows.disconnect()]),
    close: [{ name: 'redis', run: () => redis.disconnect() }],
  });
  return {
    plan,
    store,
    prefix,
    shards,
    rounds,
    flows,
    redis,
    workerConnection: (connectionName) =>
      bullConnection({ ...conn, role: 'worker', connectionName }),
    redisHealth: () => ({
      reachable: redis.status === 'ready',
      error: redis.status === 'ready' ? null : (lastError ?? `connection ${redis.status}`),
    }),
    async close() {
      await lifecycle.shutdown('closed');
    },
  };
}
