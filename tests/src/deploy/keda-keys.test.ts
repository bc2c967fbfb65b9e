import { Queue, Worker } from 'bullmq';
import { bullConnection, createRedis, SHARD_QUEUE, shardJobOptions } from '@rstar-fleet/queue';
import { type PrivateRedis, startPrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { find, render } from './manifests';

// A wrong key makes KEDA's redis scaler read 0 forever, silently (n8n-hosting#173). So the
// ScaledObject's lists are checked against what BullMQ really writes: shard jobs on a real Redis
// under the prefix the chart was given, two of them held active by a worker, then LLEN of
// exactly the keys the rendered triggers name.

let redis: PrivateRedis;

beforeAll(async () => {
  redis = await startPrivateRedis();
});

afterAll(async () => {
  await redis.stop();
});

it('the rendered KEDA triggers count the waiting and active shard jobs BullMQ writes', async () => {
  const prefix = uniquePrefix('keda');
  const manifests = await render({
    set: [
      'worker.autoscaling.mode=keda',
      `global.redis.url=${redis.url}`,
      'global.redis.existingSecret=',
    ],
    setJson: [`global.redis.prefix=${JSON.stringify(prefix)}`],
  });
  const triggers = find(manifests, 'ScaledObject', '-worker').spec.triggers as {
    name: string;
    metadata: { address: string; listName: string };
  }[];
  expect(triggers.map((t) => t.metadata.address)).toEqual([
    `127.0.0.1:${redis.port}`,
    `127.0.0.1:${redis.port}`,
  ]);

  const producer = { url: redis.url, role: 'producer', connectionName: 'keda-test' } as const;
  const queue = new Queue(SHARD_QUEUE, { prefix, connection: bullConnection(producer) });
  const client = createRedis(producer);
  let release = (): void => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = 0;
  let bothStarted = (): void => {};
  const twoActive = new Promise<void>((resolve) => {
    bothStarted = resolve;
  });
  const worker = new Worker(
    SHARD_QUEUE,
    async () => {
      started += 1;
      if (started === 2) bothStarted();
      await held;
    },
    {
      prefix,
      concurrency: 2,
      connection: bullConnection({ ...producer, role: 'worker' }),
    },
  );
  try {
    await queue.addBulk(
      [0, 1, 2, 3, 4].map((i) => ({
        name: 'shard',
        data: { shard: i },
        opts: { ...shardJobOptions(), jobId: `shard-keda-test-1-${i}` },
      })),
    );
    await twoActive;
    await client.connect();
    const lengths = Object.fromEntries(
      await Promise.all(
        triggers.map(async (t) => [
          t.name,
          [t.metadata.listName, await client.llen(t.metadata.listName)],
        ]),
      ),
    );
    expect(lengths).toEqual({
      'shards-wait': [`${prefix}:shards:wait`, 3],
      'shards-active': [`${prefix}:shards:active`, 2],
    });
  } finally {
    release();
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await client.quit();
  }
});
