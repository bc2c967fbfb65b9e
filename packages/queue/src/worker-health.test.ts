import type { WorkerHealthRecord } from '@rstar-fleet/protocol';
import { createRedis } from './redis';
import { startPrivateRedis, type PrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from './testing';
import {
  pingRedis,
  publishWorkerHealth,
  readWorkerHealth,
  redisEndpoint,
  withdrawWorkerHealth,
} from './worker-health';

const record = (worker: string, up: boolean): WorkerHealthRecord => ({
  v: 1,
  worker,
  at: new Date().toISOString(),
  ready: up,
  dependencies: [
    {
      dependency: 'policy',
      endpoint: '127.0.0.1:8000',
      up,
      since: '2026-01-01T00:00:00.000Z',
      code: up ? null : 'ECONNREFUSED',
      error: up ? null : 'GET http://127.0.0.1:8000/health: connect ECONNREFUSED',
    },
  ],
});

describe('worker health records (real Redis)', () => {
  let server: PrivateRedis;
  beforeAll(async () => {
    server = await startPrivateRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('publishes, reads by worker name, withdraws, and drops a record past its TTL', async () => {
    const redis = createRedis({ url: server.url, role: 'producer', connectionName: 'test' });
    await redis.connect();
    const prefix = uniquePrefix('health');
    try {
      await publishWorkerHealth(redis, prefix, record('w-2', false), 60_000);
      await publishWorkerHealth(redis, prefix, record('w-1', true), 60_000);
      const read = await readWorkerHealth(redis, prefix);
      expect(read.map((r) => [r.worker, r.ready])).toEqual([
        ['w-1', true],
        ['w-2', false],
      ]);
      expect(read[1]?.dependencies[0]).toMatchObject({ up: false, code: 'ECONNREFUSED' });

      await withdrawWorkerHealth(redis, prefix, 'w-2');
      expect((await readWorkerHealth(redis, prefix)).map((r) => r.worker)).toEqual(['w-1']);

      // A worker that stops publishing (killed) drops out once its TTL has passed.
      await publishWorkerHealth(redis, prefix, record('w-3', true), 300);
      expect((await readWorkerHealth(redis, prefix)).map((r) => r.worker)).toEqual(['w-1', 'w-3']);
      await new Promise((r) => setTimeout(r, 400));
      expect((await readWorkerHealth(redis, prefix)).map((r) => r.worker)).toEqual(['w-1']);

      // A record that is not a health record (another version) is skipped, not thrown.
      await redis.set(`${prefix}:worker-health:w-4`, '{"v":99}');
      await redis.zadd(`${prefix}:worker-health`, Date.now() + 60_000, 'w-4');
      expect((await readWorkerHealth(redis, prefix)).map((r) => r.worker)).toEqual(['w-1']);
    } finally {
      redis.disconnect();
    }
  });

  it('pingRedis answers while Redis is up and fails fast while it is away', async () => {
    const redis = createRedis({ url: server.url, role: 'worker', connectionName: 'test' });
    await redis.connect();
    try {
      await pingRedis(redis, 1_000);
      const restarting = server.restart('SIGKILL', 3_000);
      const started = Date.now();
      let failure: unknown = null;
      while (failure === null && Date.now() - started < 2_500) {
        await pingRedis(redis, 500).catch((err: unknown) => {
          failure = err;
        });
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(failure).toMatchObject({ code: expect.stringMatching(/UNAVAILABLE|DEADLINE/) });
      await restarting;
      // Reconnects by itself (the worker connection's retry strategy).
      const until = Date.now() + 10_000;
      while (redis.status !== 'ready' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await pingRedis(redis, 1_000);
    } finally {
      redis.disconnect();
    }
  });

  it('names Redis by host:port only', () => {
    expect(redisEndpoint('redis://:secret@redis.rstar:6380/2')).toBe('redis.rstar:6380');
    expect(redisEndpoint('rediss://redis')).toBe('redis:6379');
  });
});
