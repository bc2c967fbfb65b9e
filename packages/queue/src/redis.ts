import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import type { RedisOptions as BullConnectionOptions } from 'bullmq';

/**
 * How a connection is used decides how it behaves while Redis is away (queue-grpc-k8s.md §1.3, §2):
 * - `producer` (the orchestrator's commands, status, requeue): fail fast, so an operator sees
 *   an outage as an error instead of a hang;
 * - `worker` (BullMQ Worker / QueueEvents / FlowProducer inside long-running services): wait
 *   for Redis to come back (`maxRetriesPerRequest: null`, which BullMQ requires), so a Redis
 *   restart slows the fleet down instead of failing jobs.
 */
export type RedisRole = 'producer' | 'worker';

export interface RedisConnectionOptions {
  /** `redis://[user@]host:port[/db]` or `rediss://` (TLS). */
  url: string;
  /** Sent with AUTH; comes from the environment variable the plan names, never from the plan. */
  password?: string | undefined;
  role: RedisRole;
  /** Shown in `CLIENT LIST` (e.g. `rstar-worker`). */
  connectionName: string;
  /** Connect timeout, ms. Default 10 000. */
  connectTimeoutMs?: number;
}

/** Reconnect delay: exponential from 200 ms, capped at 5 s, with jitter (never gives up). */
export function reconnectDelayMs(times: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 200 * 2 ** Math.min(times, 10));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** ioredis options for a role; BullMQ gets these (not an instance) so it owns the sockets. */
export function redisOptions(options: RedisConnectionOptions): RedisOptions {
  const url = new URL(options.url);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const common: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 6379 : Number(url.port),
    db: Number.isInteger(db) ? db : 0,
    connectionName: options.connectionName,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // ioredis 5 speaks RESP2, which BullMQ's own CI runs on.
    retryStrategy: (times) => reconnectDelayMs(times),
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
  };
  return options.role === 'worker'
    ? { ...common, maxRetriesPerRequest: null, enableReadyCheck: true }
    : { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false };
}

/**
 * A connection the caller owns (and must `quit()`): BullMQ leaves caller-supplied clients open.
 * An `error` listener is attached so outages are observable rather than unhandled.
 */
export function createRedis(
  options: RedisConnectionOptions,
  onError: (err: Error) => void = () => {},
): Redis {
  const client = new IORedis({ ...redisOptions(options), lazyConnect: true });
  client.on('error', onError);
  return client;
}

/**
 * The same options typed for BullMQ's `connection` (its own RedisOptions interface is a loose
 * mirror of ioredis's, and TypeScript cannot relate the two function-typed fields).
 */
export function bullConnection(options: RedisConnectionOptions): BullConnectionOptions {
  return redisOptions(options) as BullConnectionOptions;
}
