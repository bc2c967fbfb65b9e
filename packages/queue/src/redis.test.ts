import { Queue } from 'bullmq';
import { bullConnection, createRedis, reconnectDelayMs, redisOptions } from './redis';
import { startPrivateRedis, type PrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from './testing';

describe('redisOptions', () => {
  it('parses host, port, db, user and TLS from the URL', () => {
    const o = redisOptions({
      url: 'rediss://ops@redis.example:6380/2',
      password: 'pw',
      role: 'producer',
      connectionName: 'rstar-test',
    });
    expect(o).toMatchObject({
      host: 'redis.example',
      port: 6380,
      db: 2,
      username: 'ops',
      password: 'pw',
      tls: { servername: 'redis.example' },
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
  });

  it('lets worker connections wait for Redis (BullMQ requires maxRetriesPerRequest null)', () => {
    const o = redisOptions({ url: 'redis://h', role: 'worker', connectionName: 'w' });
    expect(o.port).toBe(6379);
    expect(o.maxRetriesPerRequest).toBeNull();
    expect(o.enableOfflineQueue).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped at 5 s', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(100);
    expect(reconnectDelayMs(0, () => 1)).toBe(200);
    expect(reconnectDelayMs(3, () => 1)).toBe(1600);
    expect(reconnectDelayMs(50, () => 1)).toBe(5000);
    expect(reconnectDelayMs(50, () => 0)).toBe(2500);
  });
});

describe('the private redis-server (real process)', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('keeps queued jobs across a crash restart (AOF replay)', async () => {
    const prefix = uniquePrefix('aof');
    const connection = bullConnection({ url: redis.url, role: 'worker', connectionName: 'test' });
    const queue = new Queue('shards', { connection, prefix });
    await queue.add('shard', { n: 1 }, { jobId: 'shard-a-1-0' });
    // everysec fsync: give the AOF a second to reach the disk before the crash.
    await new Promise((r) => setTimeout(r, 1500));
    await redis.restart('SIGKILL');
    expect(await queue.getJobCounts('wait')).toEqual({ wait: 1 });
    expect((await queue.getJob('shard-a-1-0'))?.data).toEqual({ n: 1 });
    await queue.close();
  });

  it('fails fast for a producer while Redis is down', async () => {
    const client = createRedis({
      url: 'redis://127.0.0.1:1',
      role: 'producer',
      connectionName: 'down',
      connectTimeoutMs: 200,
    });
    await expect(client.ping()).rejects.toThrow();
    client.disconnect();
  });
});
