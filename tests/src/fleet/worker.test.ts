import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { synthRecord } from '@rstar-fleet/corpus';
import {
  ROUND_MANIFEST_VERSION,
  ShardJobResultSchema,
  searchUnitKey,
  searchUnitSeed,
  shardJobId,
  type RoundManifest,
  type ShardJobData,
} from '@rstar-fleet/protocol';
import { SHARD_QUEUE, bullConnection, shardJobOptions } from '@rstar-fleet/queue';
import {
  LocalFleet,
  readyOnLine,
  readyOnLogMessage,
  startPrivateRedis,
  type PrivateRedis,
  type Readiness,
  type SupervisedChild,
} from '@rstar-fleet/local-fleet';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { FileSystemStore, readShardResults, shardInput, shardResults } from '@rstar-fleet/store';
import { eventually, startSandboxProcess, type SandboxProcess } from '../sandbox/harness';

/**
 * The rollout worker as operators run it: `rstar-fleet worker --plan FILE` as a child process,
 * against a private Redis, the real gRPC sandbox and the HTTP simulator (separate processes),
 * with shard jobs added to BullMQ and results read back from the store.
 */

const repoRoot = join(__dirname, '..', '..', '..');
const cli = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');
const childEnv = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin` };

jest.setTimeout(120_000);

/** The supervisor of this suite's processes; a crashed one stays down (the tests look at it). */
const fleet = new LocalFleet({ restart: 'never', readyTimeoutMs: 60_000 });

type Proc = SupervisedChild<unknown>;

function launch<T>(args: string[], ready: Readiness<T>, what: string): Promise<SupervisedChild<T>> {
  return fleet.start({ name: what, args: [cli, ...args], cwd: repoRoot, env: childEnv, ready });
}

async function startSimulator(port = 0): Promise<{ proc: Proc; url: string }> {
  const proc = await launch(
    ['model-sim', '--port', String(port)],
    readyOnLine('its URL', (line) => /on (http:\/\/\S+)/.exec(line)?.[1]),
    'model-sim',
  );
  return { proc, url: proc.info };
}

async function startWorker(
  plan: string,
  extra: string[] = [],
): Promise<Proc & { httpPort: number }> {
  const proc = await launch(
    [
      'worker',
      '--plan',
      plan,
      '--http-port',
      '0',
      '--concurrency',
      '2',
      '--problems-in-flight',
      '4',
      '--tree-concurrency',
      '2',
      '--grace-ms',
      '500',
      ...extra,
    ],
    readyOnLogMessage('worker ready', (entry) => Number(entry['httpPort'])),
    'worker',
  );
  return Object.assign(proc, { httpPort: proc.info });
}

describe('rstar-fleet worker (real processes: Redis, sandbox, simulator, worker)', () => {
  let redis: PrivateRedis | null = null;
  let redisUrl: string;
  let sandbox: SandboxProcess;
  let sim: { proc: Proc; url: string };
  let simPort: number;
  let dir: string;
  let store: FileSystemStore;
  let prefix: string;
  let planPath: string;
  let queue: Queue;
  let worker: (Proc & { httpPort: number }) | null = null;

  beforeAll(async () => {
    // eslint-disable-next-line no-restricted-properties -- tests honour a given Redis
    const given = process.env['REDIS_URL'];
    if (given !== undefined && given !== '') redisUrl = given;
    else {
      redis = await startPrivateRedis();
      redisUrl = redis.url;
    }
    [sandbox, sim] = await Promise.all([startSandboxProcess({ workers: 2 }), startSimulator()]);
    simPort = Number(new URL(sim.url).port);
    dir = mkdtempSync(join(tmpdir(), 'rstar-worker-test-'));
    store = new FileSystemStore(join(dir, 'store'));
    prefix = uniquePrefix('worker');
    planPath = join(dir, 'plan.yaml');
    writeFileSync(
      planPath,
      [
        'name: worker-test',
        'corpus: { path: ./unused.jsonl }',
        `store: { dir: ${JSON.stringify(join(dir, 'store'))} }`,
        `redis: { url: ${JSON.stringify(redisUrl)}, prefix: ${JSON.stringify(prefix)} }`,
        `sandbox: { addresses: ['127.0.0.1:${sandbox.grpcPort}'] }`,
        // The worker reads rounds from each shard's manifest; the plan's rounds only validate.
        'defaults:',
        `  policy: { endpoints: [${JSON.stringify(sim.url)}], model: sim-policy-r0 }`,
        `  ppm: { endpoints: [${JSON.stringify(sim.url)}], model: sim-ppm-r0 }`,
        'rounds: 1',
        '',
      ].join('\n'),
    );
    queue = new Queue(SHARD_QUEUE, {
      prefix,
      connection: bullConnection({ url: redisUrl, role: 'producer', connectionName: 'test' }),
    });
    worker = await startWorker(planPath);
  });

  afterAll(async () => {
    await worker?.stop();
    await queue?.close();
    await sim?.proc.stop();
    await sandbox?.stop();
    await redis?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a round manifest and its shard files; returns the shard jobs' data. */
  async function writeRound(
    run: string,
    shards: string[][],
    search: { trees: number; rollouts: number; qRule: 'terminal' | 'ppm' },
  ): Promise<ShardJobData[]> {
    const manifestKey = `runs/${run}/round-1/round.json`;
    const manifest: RoundManifest = {
      v: ROUND_MANIFEST_VERSION,
      run,
      round: 1,
      policy: {
        model: 'sim-policy-r0',
        dialect: 'vllm',
        endpoints: [{ url: sim.url, name: 'sim' }],
      },
      ppm:
        search.qRule === 'ppm'
          ? {
              model: 'sim-ppm-r0',
              dialect: 'vllm-classify',
              transform: 'tanh5',
              endpoints: [{ url: sim.url, name: 'sim' }],
            }
          : null,
      sandbox: { addresses: [`127.0.0.1:${sandbox.grpcPort}`] },
      search: {
        mode: 'mcts',
        candidates: 3,
        maxDepth: 10,
        errorsThreshold: 1,
        c: 2,
        qRule: search.qRule,
        seed: 7,
        beamWidth: 4,
        escalation: [],
      },
      sampling: { temperature: 0.7, topP: 1, maxTokens: 512 },
      shards: { size: 256, maxFailedShare: 0 },
      phases: [
        {
          phase: 0,
          rollouts: search.rollouts,
          trees: search.trees,
          firstShard: 0,
          shards: shards.length,
          problems: shards.flat().length,
        },
      ],
    };
    await store.write(manifestKey, JSON.stringify(manifest));
    return Promise.all(
      shards.map(async (lines, shard) => {
        const input = shardInput(run, 1, shard);
        await store.write(input, lines.map((l) => `${l}\n`).join(''));
        return {
          run,
          round: 1,
          shard,
          phase: 0,
          input,
          results: shardResults(run, 1, shard),
          manifest: manifestKey,
        };
      }),
    );
  }

  const problemLines = (seed: number, from: number, count: number): string[] =>
    Array.from({ length: count }, (_, i) => JSON.stringify(synthRecord(seed, from + i)));

  async function addJob(data: ShardJobData, attempts = 3): Promise<Job> {
    return queue.add('shard', data, {
      ...shardJobOptions({ attempts, backoffMs: 200 }),
      jobId: shardJobId(data.run, data.round, data.shard),
    });
  }

  /** Waits until the job completes (or fails for good) and returns it fresh from Redis. */
  async function settled(id: string, timeoutMs = 60_000): Promise<Job> {
    await eventually(async () => {
      const state = await queue.getJobState(id);
      return state === 'completed' || state === 'failed';
    }, timeoutMs);
    // Read after the state settled: a job read before it may lack its return value.
    return (await queue.getJob(id)) as Job;
  }

  /** Every record of a shard, checked valid by the store's reader; keys in file order. */
  async function unitKeys(run: string, shard: number): Promise<string[]> {
    const keys: string[] = [];
    for await (const r of readShardResults(store, run, 1, shard)) {
      keys.push(searchUnitKey(r.problemId, r.search.seed));
    }
    return keys;
  }

  function expectedKeys(lines: string[], trees: number): string[] {
    return lines.flatMap((l) => {
      const { id } = JSON.parse(l) as { id: string };
      return Array.from({ length: trees }, (_, t) => searchUnitKey(id, searchUnitSeed(7, 0, t)));
    });
  }

  it('writes every search unit exactly once, and a second run of the shard skips all of them', async () => {
    const run = 'exact-once';
    const shards = [problemLines(1, 0, 4), problemLines(1, 4, 4)];
    const jobs = await writeRound(run, shards, { trees: 2, rollouts: 3, qRule: 'ppm' });
    for (const data of jobs) await addJob(data);
    for (const [i, data] of jobs.entries()) {
      const job = await settled(shardJobId(run, 1, data.shard));
      expect(job.failedReason).toBeUndefined();
      const result = ShardJobResultSchema.parse(job.returnvalue);
      expect(result).toMatchObject({ written: 8, skipped: 0, problems: 4 });
      expect(job.progress).toMatchObject({ done: 8, total: 8, written: 8 });
      const keys = await unitKeys(run, data.shard);
      expect([...keys].sort()).toEqual(expectedKeys(shards[i] ?? [], 2).sort());
    }

    // The same shard again (a retry or requeue after completion): nothing searched or written.
    const first = jobs[0] as ShardJobData;
    await queue.remove(shardJobId(run, 1, 0));
    await addJob(first);
    const again = await settled(shardJobId(run, 1, 0));
    expect(ShardJobResultSchema.parse(again.returnvalue)).toMatchObject({
      written: 0,
      skipped: 8,
      problems: 4,
    });
    expect(await unitKeys(run, 0)).toHaveLength(8);

    // The worker's metrics count what it wrote, without ids as labels.
    const metrics = await (await fetch(`http://127.0.0.1:${worker?.httpPort}/metrics`)).text();
    const svc = '\\{service="rollout-worker"\\}';
    expect(metrics).toMatch(new RegExp(`^rstar_worker_units_written_total${svc} 16$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^rstar_worker_units_skipped_total${svc} 8$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^rstar_rollouts_total${svc} [1-9]\\d*$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^rstar_worker_event_loop_delay_max_seconds${svc} `, 'm'));
    expect(metrics).not.toContain(run);
    const ready = await fetch(`http://127.0.0.1:${worker?.httpPort}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('fails a shard with a malformed line for good, naming file:line, without retries', async () => {
    const run = 'poison';
    const lines = problemLines(2, 0, 3);
    lines.splice(2, 0, '{"id": "broken", "problem": ');
    const [data] = await writeRound(run, [lines], { trees: 1, rollouts: 2, qRule: 'terminal' });
    await addJob(data as ShardJobData, 5);
    const job = await settled(shardJobId(run, 1, 0));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain(`${shardInput(run, 1, 0)}:3`);
  });

  it('rides out a simulator outage of ~5 s mid-shard: the job completes with no failed problem', async () => {
    const run = 'outage';
    const lines = problemLines(3, 0, 20);
    const [data] = await writeRound(run, [lines], { trees: 1, rollouts: 4, qRule: 'terminal' });
    await addJob(data as ShardJobData, 1); // one attempt: only riding the outage out can pass
    const id = shardJobId(run, 1, 0);
    await eventually(async () => {
      const progress = (await queue.getJob(id))?.progress as { done?: number } | undefined;
      return (progress?.done ?? 0) >= 2;
    }, 60_000);
    await sim.proc.stop();
    await new Promise((r) => setTimeout(r, 5_000));
    sim = await startSimulator(simPort);
    const job = await settled(id);
    expect(job.failedReason).toBeUndefined();
    expect(ShardJobResultSchema.parse(job.returnvalue)).toMatchObject({
      written: 20,
      problems: 20,
    });
    expect([...(await unitKeys(run, 0))].sort()).toEqual(expectedKeys(lines, 1).sort());
    // The outage did hit the shard (otherwise this test proves nothing).
    expect(worker?.logs.some((l) => l.includes('dependency unavailable'))).toBe(true);
  });

  it('on SIGTERM releases the active shard within the grace period; a new worker completes it with no duplicate', async () => {
    const run = 'sigterm';
    const lines = problemLines(4, 0, 30);
    const [data] = await writeRound(run, [lines], { trees: 1, rollouts: 4, qRule: 'terminal' });
    // Only a worker of this test may take the job: the shared one stops first.
    await worker?.stop();
    worker = null;
    // One unit at a time: the shard outlasts the grace period by far.
    const first = await startWorker(planPath, ['--problems-in-flight', '1']);
    await addJob(data as ShardJobData, 1);
    const id = shardJobId(run, 1, 0);
    await eventually(async () => {
      const progress = (await queue.getJob(id))?.progress as { done?: number } | undefined;
      return (progress?.done ?? 0) >= 2;
    }, 60_000);
    const how = await first.stop();
    expect(how).toEqual({ code: 0, signal: null });
    const released = await queue.getJob(id);
    expect(await released?.getState()).toBe('waiting');
    expect(released?.attemptsMade).toBe(0);
    const partial = await unitKeys(run, 0);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(30);

    worker = await startWorker(planPath);
    const job = await settled(id);
    expect(job.failedReason).toBeUndefined();
    const result = ShardJobResultSchema.parse(job.returnvalue);
    expect(result.skipped).toBe(partial.length);
    expect(result.written + result.skipped).toBe(30);
    const keys = await unitKeys(run, 0);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(expectedKeys(lines, 1).sort());
  });
});
