import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { parsePlan, type RunPlan } from '@rstar-fleet/config';
import { startPrivateRedis, type PrivateRedis } from '@rstar-fleet/local-fleet';
import {
  EVAL_RECORD_VERSION,
  evalJobId,
  evalShardJobId,
  type EvalManifest,
  type EvalRunRecord,
} from '@rstar-fleet/protocol';
import { ROUND_QUEUE, SHARD_QUEUE, bullConnection } from '@rstar-fleet/queue';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import {
  FileSystemStore,
  evalFile,
  readShardProblems,
  type ArtifactStore,
} from '@rstar-fleet/store';
import { openFleetContext, type FleetContext } from './context';
import { EvalEngine, type EvalJobOutcome } from './eval-engine';
import { EvalConflictError } from './eval-conflict-error';
import { EvalFailedError } from './eval-failed-error';
import { ensureEvalFlow, evalShardJobData } from './flows';
import { silentLogger, type EvalReportedEvent } from './types';

/**
 * Evaluations against a real private Redis and a real store: the flow (idempotent, a failed
 * parent retried), EvalEngine.start (manifest once, the same request resumes, another refused)
 * and EvalEngine.process (the report written once, the failed-share gate). Eval shards are
 * finished by a manually-fetching BullMQ worker that writes the records a rollout worker would.
 */

let redis: PrivateRedis;
let dir: string;
let ctx: FleetContext;
let store: ArtifactStore;
let plan: RunPlan;
let shardWorker: Worker;
const reported: EvalReportedEvent[] = [];
const TOKEN = 'manual';

beforeAll(async () => {
  redis = await startPrivateRedis();
  dir = mkdtempSync(join(tmpdir(), 'rstar-evalengine-'));
  const prefix = uniquePrefix('eval');
  plan = parsePlan(
    [
      'corpus: { path: c.jsonl }',
      `redis: { url: ${redis.url}, prefix: '${prefix}' }`,
      "defaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: p0 } }",
      'rounds: 1',
      'evaluate: { benchmarks: [synth-heldout], modes: [greedy, maj], runs: 2, shardSize: 3 }',
      '',
    ].join('\n'),
  );
  store = new FileSystemStore(join(dir, 'store'));
  ctx = await openFleetContext(plan, { store });
  shardWorker = new Worker(SHARD_QUEUE, null, {
    connection: bullConnection({ url: redis.url, role: 'worker', connectionName: 'manual' }),
    prefix,
    autorun: false,
  });
}, 30_000);

afterAll(async () => {
  await shardWorker.close(true);
  await ctx.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

const engine = (): EvalEngine =>
  new EvalEngine({
    ctx,
    flow: { chunk: 2 },
    logger: silentLogger,
    observer: { evalReported: (e) => reported.push(e) },
  });

function settings(): NonNullable<RunPlan['evaluate']> {
  if (plan.evaluate === null) throw new Error('the plan has evaluate:');
  return plan.evaluate;
}

const start = (name: string, over: { sample?: number } = {}) =>
  engine().start({
    plan,
    run: 'ev',
    state: null,
    request: { name, round: 0, settings: { ...settings(), sample: over.sample ?? 7 } },
    read: { dir, synth: { seed: 1, count: 30 } },
  });

/**
 * Answers every waiting eval shard as a rollout worker would (one record per problem, mode and
 * run; correct when `correct(problem index)`), except `fail`, which fails for good.
 */
async function answerShards(
  manifest: EvalManifest,
  fail: ReadonlySet<number> = new Set(),
): Promise<void> {
  for (;;) {
    const job = (await shardWorker.getNextJob(TOKEN)) as Job | undefined;
    if (job === undefined) return;
    const data = evalShardJobData(manifest, Number(String(job.id).split('.').at(-1)));
    if (fail.has(data.shard)) {
      // Unrecoverable: failed for good at once (no retries left to wait for).
      await job.moveToFailed(new UnrecoverableError(`shard ${data.shard} poisoned`), TOKEN, false);
      continue;
    }
    const problems = await readShardProblems(store, data.input);
    const lines: string[] = [];
    for (const [i, p] of problems.entries()) {
      for (const m of manifest.modes) {
        for (let run = 0; run < m.runs; run++) {
          const right = (i + run) % 2 === 0;
          const record: EvalRunRecord = {
            v: EVAL_RECORD_VERSION,
            benchmark: manifest.benchmarks[0]!.name,
            mode: m.mode,
            problemId: p.id,
            reference: p.answer,
            run,
            seed: manifest.seed + run,
            answer: right ? p.answer : 'wrong',
            score: null,
            nodeId: 'n',
            correct: right,
            cost: {
              policyCalls: 1,
              candidates: 1,
              executions: 1,
              ppmCalls: 0,
              ppmScored: 0,
              promptTokens: 10,
              completionTokens: 5,
            },
            wallMs: 1,
            gpuSeconds: null,
          };
          lines.push(JSON.stringify(record));
        }
      }
    }
    await store.write(data.results, `${lines.join('\n')}\n`);
    const result = { written: lines.length, skipped: 0, correct: 0, problems: problems.length };
    await job.moveToCompleted(result, TOKEN, false);
  }
}

/** Processes the evaluation's parent job once it is ready, like the `rounds` worker does. */
async function processParent(manifest: EvalManifest): Promise<EvalJobOutcome | Error> {
  const id = evalJobId(manifest.run, manifest.round, manifest.name);
  const e = engine();
  return new Promise((resolve) => {
    const worker = new Worker(
      ROUND_QUEUE,
      async (job: Job, token?: string) => {
        if (job.id !== id) throw new Error(`unexpected job ${job.id}`);
        return e.process(job, token);
      },
      {
        connection: bullConnection({ url: redis.url, role: 'worker', connectionName: 'rounds' }),
        prefix: ctx.prefix,
      },
    );
    worker.on('completed', (job, value: EvalJobOutcome) => {
      if (job.id === id) void worker.close().then(() => resolve(value));
    });
    worker.on('failed', (job, err) => {
      if (job?.id === id) void worker.close().then(() => resolve(err));
    });
  });
}

describe('evaluations through a flow (real Redis, real store)', () => {
  it('starts once: the same request resumes, other settings are refused, re-adding adds nothing', async () => {
    const first = await start('a');
    expect(first.created).toBe(true);
    expect(first.flow).toBe('added');
    const { manifest } = first;
    expect(manifest.benchmarks).toEqual([
      expect.objectContaining({ name: 'synth-heldout', problems: 7, firstShard: 0, shards: 3 }),
    ]);
    // Chunked: 2 children with the parent, the third added to it afterwards.
    const ids = [0, 1, 2].map((s) => evalShardJobId('ev', 0, 'a', s));
    const states = await Promise.all(ids.map((id) => ctx.shards.getJobState(id)));
    expect(states).toEqual(['waiting', 'waiting', 'waiting']);
    const parent = await ctx.rounds.getJob(evalJobId('ev', 0, 'a'));
    expect(await parent?.getState()).toBe('waiting-children');
    expect((await parent?.getDependenciesCount())?.unprocessed).toBe(3);

    const again = await start('a');
    expect(again).toMatchObject({ created: false, flow: 'present' });
    expect(await ctx.shards.getWaitingCount()).toBe(3);

    await expect(start('a', { sample: 8 })).rejects.toThrow(EvalConflictError);
    await expect(start('a', { sample: 8 })).rejects.toThrow(
      /benchmarks\.0\.problems: 7 → 8.*--name/,
    );
  });

  it('writes the report once every shard is done, and only once', async () => {
    const { manifest } = await start('a');
    await answerShards(manifest);
    const outcome = await processParent(manifest);
    expect(outcome).toEqual({ evaluation: 'a', round: 0, report: 'written', records: 7 * 3 });
    const json = await store.read(evalFile('ev', 0, 'a', 'report.json'));
    expect((await store.read(evalFile('ev', 0, 'a', 'report.md'))).toString()).toContain('greedy');
    expect((await store.read(evalFile('ev', 0, 'a', 'report.svg'))).toString()).toMatch(/^<svg/);
    expect(reported).toEqual([
      {
        run: 'ev',
        round: 0,
        evaluation: 'a',
        accuracy: [
          { benchmark: 'synth-heldout', mode: 'greedy', accuracy: expect.any(Number) },
          { benchmark: 'synth-heldout', mode: 'maj', accuracy: expect.any(Number) },
        ],
      },
    ]);
    // Started again: nothing to do; processed again (a retried parent): the report stands.
    expect((await start('a')).flow).toBe('reported');
    const parent = await ctx.rounds.getJob(evalJobId('ev', 0, 'a'));
    await parent?.remove();
    const e = engine();
    const again = await e.process({ data: parent?.data } as Job);
    expect(again).toMatchObject({ report: 'present' });
    expect(await store.read(evalFile('ev', 0, 'a', 'report.json'))).toEqual(json);
    expect(reported).toHaveLength(1);
  });

  it('fails an evaluation with more failed shards than it allows, naming them; started again, retries', async () => {
    const { manifest } = await start('b');
    await answerShards(manifest, new Set([1]));
    const failed = await processParent(manifest);
    expect(failed).toBeInstanceOf(UnrecoverableError);
    const cause = (failed as Error).cause;
    expect(cause).toBeInstanceOf(EvalFailedError);
    expect((cause as EvalFailedError).failedShards).toEqual([
      { shard: 1, phase: 0, reason: 'shard 1 poisoned' },
    ]);
    expect((failed as Error).message).toMatch(/1 of 3 eval shard\(s\) failed.*shard 1 .*poisoned/);
    expect(await store.exists(evalFile('ev', 0, 'b', 'report.json'))).toBe(false);

    // The same command again: the parent and the failed shard are retried, the report follows.
    const again = await start('b');
    expect(again.flow).toBe('retried');
    expect(await ctx.shards.getJobState(evalShardJobId('ev', 0, 'b', 1))).toBe('waiting');
    await answerShards(manifest);
    expect(await processParent(manifest)).toMatchObject({ report: 'written', records: 21 });
    expect(
      await ensureEvalFlow(ctx, manifest, { chunk: 10 }).then(() =>
        ctx.rounds.getJobState(evalJobId('ev', 0, 'b')),
      ),
    ).toBe('completed');
  });

  it('a failed share within maxFailedShare still reports what was written', async () => {
    const lenient = { ...settings(), sample: 7, maxFailedShardShare: 0.5 };
    const { manifest } = await engine().start({
      plan,
      run: 'ev',
      state: null,
      request: { name: 'c', round: 0, settings: lenient },
      read: { dir, synth: { seed: 1, count: 30 } },
    });
    await answerShards(manifest, new Set([2]));
    expect(await processParent(manifest)).toMatchObject({ report: 'written', records: 6 * 3 });
    const text = (await store.read(evalFile('ev', 0, 'c', 'report.json'))).toString();
    expect(JSON.parse(text)).toMatchObject({ complete: false });
  });
});
