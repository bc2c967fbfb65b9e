import type { Redis } from 'ioredis';
import {
  RstarError,
  WorkerHealthRecordSchema,
  type WorkerHealthRecord,
} from '@rstar-fleet/protocol';
import { workerHealthIndexKey, workerHealthKey } from './names';

/**
 * Where rollout workers publish their dependency health and where `status` reads it: one key
 * per worker holding its latest record, with a TTL (a dead worker drops out by itself), and a
 * sorted set of worker names scored by expiry, so a reader finds the live ones without SCAN
 * (which sees one node only on Redis Cluster; every key here carries the prefix's hash tag).
 */

const INDEX_TTL_MS = 24 * 3600 * 1000;

/** Writes a worker's record for `ttlMs` and prunes expired names from the index. */
export async function publishWorkerHealth(
  redis: Redis,
  prefix: string,
  record: WorkerHealthRecord,
  ttlMs: number,
  now = Date.now(),
): Promise<void> {
  const index = workerHealthIndexKey(prefix);
  await redis
    .multi()
    .set(workerHealthKey(prefix, record.worker), JSON.stringify(record), 'PX', ttlMs)
    .zadd(index, now + ttlMs, record.worker)
    .zremrangebyscore(index, '-inf', `(${now}`)
    // Not the record's TTL: a short-lived record must not take the others' index along. A day
    // after the last worker left, the index goes too.
    .pexpire(index, Math.max(ttlMs, INDEX_TTL_MS))
    .exec();
}

/** Removes a worker's record (on a clean shutdown, so `status` stops listing it at once). */
export async function withdrawWorkerHealth(
  redis: Redis,
  prefix: string,
  worker: string,
): Promise<void> {
  await redis
    .multi()
    .del(workerHealthKey(prefix, worker))
    .zrem(workerHealthIndexKey(prefix), worker)
    .exec();
}

/** The records of the workers whose record has not expired, by worker name. */
export async function readWorkerHealth(
  redis: Redis,
  prefix: string,
  now = Date.now(),
): Promise<WorkerHealthRecord[]> {
  const names = await redis.zrangebyscore(workerHealthIndexKey(prefix), now, '+inf');
  if (names.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const name of names) pipeline.get(workerHealthKey(prefix, name));
  const replies = (await pipeline.exec()) ?? [];
  const records: WorkerHealthRecord[] = [];
  for (const [err, text] of replies) {
    if (err !== null || typeof text !== 'string') continue; // expired between the two reads
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    // A record of another version (a worker of a newer release mid-upgrade) is not shown.
    const parsed = WorkerHealthRecordSchema.safeParse(json);
    if (parsed.success) records.push(parsed.data);
  }
  return records.sort((a, b) => a.worker.localeCompare(b.worker));
}

/**
 * A Redis liveness probe for a connection the caller owns: PING within `timeoutMs`. A connection
 * that is not ready gets the same time to become ready first (a worker that just started is
 * still connecting), and no PING is queued on it meanwhile: a `worker` connection would hold
 * one until Redis is back.
 */
export async function pingRedis(redis: Redis, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  const expired = (): Promise<never> =>
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            redis.status === 'ready'
              ? new RstarError('DEADLINE_EXCEEDED', `redis: no PING answer within ${timeoutMs} ms`)
              : new RstarError('UNAVAILABLE', `redis: connection ${redis.status}`),
          ),
        Math.max(0, deadline - Date.now()),
      );
    });
  try {
    if (redis.status !== 'ready') {
      await Promise.race([
        new Promise<void>((resolve) => {
          onReady = resolve;
          redis.once('ready', resolve);
        }),
        expired(),
      ]);
      clearTimeout(timer);
    }
    await Promise.race([redis.ping(), expired()]);
  } finally {
    clearTimeout(timer);
    if (onReady !== undefined) redis.off('ready', onReady);
  }
}

/** `host:port` of a Redis URL: how the dependency is named in health and metrics (no secrets). */
export function redisEndpoint(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port === '' ? '6379' : u.port}`;
}
