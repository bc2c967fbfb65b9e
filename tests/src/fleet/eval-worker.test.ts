import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { readBenchmark, type ProblemRecord } from '@rstar-fleet/corpus';
import type { TestTimeMode } from '@rstar-fleet/mcts';
import { testEvalManifest } from '@rstar-fleet/mcts/testing';
import {
  EvalRunRecordSchema,
  EvalShardJobResultSchema,
  evalRunKey,
  evalShardJobId,
  type EvalRunRecord,
  type EvalShardJobData,
} from '@rstar-fleet/protocol';
import { EVAL_SHARD_JOB, SHARD_QUEUE, bullConnection, shardJobOptions } from '@rstar-fleet/queue';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import {
  FileSystemStore,
  evalFile,
  evalShardInput,
  evalShardResults,
  readEvalShardResults,
} from '@rstar-fleet/store';
import { startFleetServices, waitFor, type FleetServices } from './harness';

/**
 * The worker side of an evaluation through real processes: a private Redis, the gRPC sandbox,
 * the SIMULATED model server and an `rstar-fleet worker`, with an eval manifest and one eval
 * shard written to the store by hand (as the orchestrator would) and `eval-shard` jobs added to
 * the real `shards` queue.
 */

jest.setTimeout(180_000);

const SEED = 1000;
const PROBLEMS = 4;
const MODES: { mode: TestTimeMode; runs: number }[] = [
  { mode: 'greedy', runs: 1 },
  { mode: 'system2', runs: 2 },
];

let services: FleetServices;
let dir: string;
let store: FileSystemStore;
let queue: Queue;
let problems: ProblemRecord[];
let metricsUrl: string;

beforeAll(async () => {
  services = await startFleetServices();
  dir = mkdtempSync(join(tmpdir(), 'rstar-eval-worker-'));
  store = new FileSystemStore(join(dir, 'store'));
  const prefix = uniquePrefix('evalworker');
  const plan = join(dir, 'plan.yaml');
  writeFileSync(
    plan,
    [
      'name: eval-worker-test',
      'corpus: { path: ./unused.jsonl }',
      `store: { dir: ${JSON.stringify(join(dir, 'store'))} }`,
      `redis: { url: ${JSON.stringify(services.redisUrl)}, prefix: ${JSON.stringify(prefix)} }`,
      `sandbox: { addresses: [${JSON.stringify(services.sandbox.address)}] }`,
      // The worker reads an evaluation's models from its manifest; the plan's only validate.
      'defaults:',
      `  policy: { endpoints: [${JSON.stringify(services.simUrl)}], model: sim-policy-r0 }`,
      'rounds: 1',
      '',
    ].join('\n'),
  );
  queue = new Queue(SHARD_QUEUE, {
    prefix,
    connection: bullConnection({ url: services.redisUrl, role: 'producer', connectionName: 't' }),
  });
  problems = [];
  for await (const item of readBenchmark('synth-heldout', {
    dir,
    synth: { seed: 7, count: PROBLEMS },
  })) {
    if (item.type === 'record') problems.push(item.record);
  }
  const [worker] = await services.startWorkers(plan, 1, { problemsInFlight: 4 });
  metricsUrl = `http://127.0.0.1:${worker?.info.httpPort}/metrics`;
});

afterAll(async () => {
  await queue?.close();
  await services?.teardown();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Writes the evaluation's manifest (the real shape, options compiled) and its one shard. */
async function writeEvaluation(
  run: string,
  evaluation: string,
  ppmUrl = services.simUrl,
): Promise<EvalShardJobData> {
  const round = 1;
  const manifest = testEvalManifest(
    {
      run,
      round,
      name: evaluation,
      policy: {
        model: 'sim-policy-r0',
        dialect: 'vllm',
        endpoints: [{ url: services.simUrl, name: 'sim' }],
      },
      ppm: {
        model: 'sim-ppm-r0',
        dialect: 'vllm-classify',
        transform: 'tanh5',
        endpoints: [{ url: ppmUrl, name: 'sim-ppm' }],
      },
      sandbox: { addresses: [services.sandbox.address] },
      sampling: { temperature: 0.7, topP: 1, maxTokens: 512 },
      seed: SEED,
      benchmarks: [
        {
          name: 'synth-heldout',
          source: 'synth-heldout(seed 7)',
          problems: PROBLEMS,
          skipped: 0,
          firstShard: 0,
          shards: 1,
        },
      ],
      shards: { size: PROBLEMS, maxFailedShare: 0 },
    },
    MODES.map((m) => ({
      ...m,
      mcts: { candidates: 3, rollouts: 3, maxDepth: 8 },
      solutionMaxDepth: 8,
    })),
  );
  const manifestKey = evalFile(run, round, evaluation, 'eval.json');
  await store.write(manifestKey, JSON.stringify(manifest));
  const input = evalShardInput(run, round, evaluation, 0);
  await store.write(input, problems.map((p) => `${JSON.stringify(p)}\n`).join(''));
  return {
    run,
    round,
    evaluation,
    shard: 0,
    input,
    results: evalShardResults(run, round, evaluation, 0),
    manifest: manifestKey,
  };
}

const jobIdOf = (data: EvalShardJobData): string =>
  evalShardJobId(data.run, data.round, data.evaluation, data.shard);

function addJob(data: EvalShardJobData, attempts: number): Promise<Job> {
  return queue.add(EVAL_SHARD_JOB, data, {
    ...shardJobOptions({ attempts, backoffMs: 200 }),
    jobId: jobIdOf(data),
  });
}

/** Waits until the job completes (or fails for good) and returns it fresh from Redis. */
async function settled(id: string): Promise<Job> {
  await waitFor(
    async () => {
      const state = await queue.getJobState(id);
      return state === 'completed' || state === 'failed';
    },
    150_000,
    `job ${id} settled`,
  );
  return (await queue.getJob(id)) as Job;
}

async function records(data: EvalShardJobData): Promise<EvalRunRecord[]> {
  const all: EvalRunRecord[] = [];
  const { run, round, evaluation, shard } = data;
  for await (const r of readEvalShardResults(store, run, round, evaluation, shard)) all.push(r);
  return all;
}

describe('eval-shard jobs on a real worker (Redis, sandbox, simulator, worker processes)', () => {
  it('writes one record per (problem, mode, run); the same job again writes nothing', async () => {
    const data = await writeEvaluation('eval-once', 'held-out');
    await addJob(data, 2);
    const job = await settled(jobIdOf(data));
    expect(job.failedReason).toBeUndefined();
    const units = PROBLEMS * MODES.reduce((sum, m) => sum + m.runs, 0);
    const written = await records(data);
    expect(written).toHaveLength(units);
    for (const r of written) expect(EvalRunRecordSchema.parse(r)).toEqual(r);
    const expected = problems.flatMap((p) =>
      MODES.flatMap(({ mode, runs }) =>
        Array.from({ length: runs }, (_, run) =>
          evalRunKey({ benchmark: 'synth-heldout', mode, problemId: p.id, seed: SEED + run }),
        ),
      ),
    );
    expect(written.map(evalRunKey).sort()).toEqual([...expected].sort());
    // Greedy used the policy alone; System 2 scored with the simulator's PPM.
    expect(written.filter((r) => r.mode === 'greedy').every((r) => r.cost.ppmCalls === 0)).toBe(
      true,
    );
    expect(written.filter((r) => r.mode === 'system2').every((r) => r.cost.ppmCalls > 0)).toBe(
      true,
    );
    const correct = written.filter((r) => r.correct).length;
    expect(EvalShardJobResultSchema.parse(job.returnvalue)).toEqual({
      written: units,
      skipped: 0,
      correct,
      problems: PROBLEMS,
    });
    expect(job.progress).toMatchObject({ done: units, total: units, written: units });

    // The same eval shard again (a retry or requeue after completion): nothing run or written.
    await queue.remove(jobIdOf(data));
    await addJob(data, 2);
    const again = await settled(jobIdOf(data));
    expect(EvalShardJobResultSchema.parse(again.returnvalue)).toEqual({
      written: 0,
      skipped: units,
      correct,
      problems: PROBLEMS,
    });
    expect(await records(data)).toHaveLength(units);

    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toMatch(/^rstar_worker_eval_runs_total\{mode="greedy"[^}]*\} 4$/m);
    expect(metrics).toMatch(/^rstar_worker_eval_runs_total\{mode="system2"[^}]*\} 8$/m);
    expect(metrics).not.toContain('held-out');
    const logs = services.logTail(5000);
    expect(logs).toMatch(/eval shard completed/);
    expect(logs).toContain('"evaluation":"held-out"');
  });

  it('fails fast, naming the endpoint, when the PPM of a System-2 evaluation is unreachable', async () => {
    const data = await writeEvaluation('eval-no-ppm', 'held-out', 'http://127.0.0.1:9');
    const started = Date.now();
    await addJob(data, 1);
    const job = await settled(jobIdOf(data));
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toContain('sim-ppm');
    expect(job.failedReason).toMatch(/unreachable/);
    // Seconds (the probe's deadline), not the outage budget's minutes.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await records(data).catch(() => [])).toHaveLength(0);
  });
});
