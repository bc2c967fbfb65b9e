import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { compileEvaluate, parsePlan } from '@rstar-fleet/config';
import { evalJobId, evalShardJobId, shardJobId, type EvalManifest } from '@rstar-fleet/protocol';
import {
  ROUND_QUEUE,
  SHARD_JOB,
  SHARD_QUEUE,
  bullConnection,
  queueKey,
  shardJobOptions,
} from '@rstar-fleet/queue';
import { startPrivateRedis, type PrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { FileSystemStore, evalFile, roundFile } from '@rstar-fleet/store';
import { openFleetContext, type FleetContext } from './context';
import { buildEvalManifest, writeEvalManifest } from './eval-manifest';
import { ensureEvalFlow, shardJobData } from './flows';
import { buildRoundManifest, manifestKey, writeManifest } from './manifest';
import { requeue, requeueHint } from './requeue';
import { RUN_STATE_VERSION, writeRunState, type RunState } from './run-state';
import { getRunStatus, getStoreRunStatus } from './status';

/**
 * Status and requeue against a real private Redis: shard jobs are driven into every state by a
 * manually-fetching BullMQ worker (completed, failed, active with and without its lock, waiting)
 * and one shard is never enqueued (missing).
 */

let redis: PrivateRedis;
let dir: string;
let ctx: FleetContext;
let worker: Worker;
const run = 'st-1';

beforeAll(async () => {
  redis = await startPrivateRedis();
  dir = mkdtempSync(join(tmpdir(), 'rstar-status-'));
  const prefix = uniquePrefix('status');
  const plan = parsePlan(
    `corpus: { path: c.jsonl }\nredis: { url: ${redis.url}, prefix: '${prefix}' }\n` +
      `defaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: m }, trees: 2 }\nrounds: 1\n`,
  );
  const store = new FileSystemStore(dir);
  ctx = await openFleetContext(plan, { store });
  const manifest = buildRoundManifest({
    plan,
    run,
    round: 1,
    previousHooks: [],
    phase0: { shards: 6, problems: 24 },
  });
  await writeManifest(store, manifest);
  const now = new Date().toISOString();
  await writeRunState(store, {
    v: RUN_STATE_VERSION,
    run,
    planName: 'run',
    planHash: 'h',
    status: 'running',
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    error: null,
    ingest: {
      problems: 24,
      shards: 6,
      shardSize: 4,
      rejects: 3,
      rejectsByReason: { 'invalid-json': 2, 'no-answer': 1 },
      duplicates: 1,
      startedAt: now,
      finishedAt: now,
    },
    rounds: [
      {
        round: 1,
        status: 'searching',
        manifest: manifestKey(run, 1),
        phases: manifest.phases.map((p) => ({ phase: p.phase, startedAt: now, finishedAt: null })),
        hooks: { train: null, deploy: null },
        failedShards: [],
        startedAt: now,
        finishedAt: null,
        summary: null,
      },
    ],
  });
  for (let s = 0; s < 5; s++) {
    await ctx.shards.add(SHARD_JOB, shardJobData(manifest, 0, s), {
      ...shardJobOptions({ attempts: 1 }),
      jobId: shardJobId(run, 1, s),
    });
  }
  worker = new Worker(SHARD_QUEUE, null, {
    connection: bullConnection({ url: redis.url, role: 'worker', connectionName: 'manual' }),
    prefix,
    autorun: false,
  });
  const token = 'manual-token';
  const j0 = await worker.getNextJob(token);
  await j0.moveToCompleted({ written: 8, skipped: 0, solved: 3, problems: 4 }, token, false);
  const j1 = await worker.getNextJob(token);
  await j1.moveToFailed(new Error('sandbox unreachable'), token, false);
  const j2 = await worker.getNextJob(token);
  await j2.updateProgress({ done: 2, total: 4, solved: 1, written: 2, skipped: 0 });
  await worker.getNextJob(token);
  // Shard 3's worker "died": its lock is gone.
  await ctx.redis.del(queueKey(prefix, SHARD_QUEUE, `${shardJobId(run, 1, 3)}:lock`));
});

afterAll(async () => {
  await worker.close(true);
  await ctx.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('status and requeue (real Redis)', () => {
  it('reports shards by state, progress, failures with reasons, rates and rejects', async () => {
    const status = await getRunStatus(ctx, run);
    expect(status).toMatchObject({
      run,
      status: 'running',
      round: 1,
      roundStatus: 'searching',
      phase: 0,
      shards: { total: 6, completed: 1, failed: 1, active: 2, waiting: 1, delayed: 0, missing: 1 },
      // solved: 3 from the completed shard's result + 1 from the active shard's progress
      problems: { total: 24, done: 5, solved: 4 },
      units: { total: 48, done: 10 },
      failures: [{ round: 1, phase: 0, shard: 1, reason: 'sandbox unreachable', attempts: 1 }],
      rejects: { total: 3, byReason: { 'invalid-json': 2, 'no-answer': 1 } },
      duplicates: 1,
    });
    expect(status.rates.unitsPerSecond).toBeGreaterThan(0);
    expect(status.etaSeconds).not.toBeNull();
  });

  it('requeues stalled (no lock), failed and chosen shards', async () => {
    const stalled = await requeue(ctx, run, { kind: 'stalled' });
    expect(stalled.requeued).toEqual([{ round: 1, shard: 3, from: 'active' }]);
    expect(stalled.skipped).toEqual([
      { round: 1, shard: 2, state: 'active', why: 'its worker holds the lock' },
    ]);
    expect(await ctx.shards.getJobState(shardJobId(run, 1, 3))).toBe('waiting');

    const failed = await requeue(ctx, run, { kind: 'failed' });
    expect(failed.requeued).toEqual([{ round: 1, shard: 1, from: 'failed' }]);
    expect(await ctx.shards.getJobState(shardJobId(run, 1, 1))).toBe('waiting');

    const done = await requeue(ctx, run, { kind: 'shard', shard: 0 });
    expect(done).toEqual({
      requeued: [{ round: 1, shard: 0, from: 'completed' }],
      skipped: [],
      reextract: [],
      reevaluate: [],
    });
    const missing = await requeue(ctx, run, { kind: 'shard', shard: 5 }, { round: 1 });
    expect(missing.requeued).toEqual([{ round: 1, shard: 5, from: 'missing' }]);
    const waiting = await requeue(ctx, run, { kind: 'shard', shard: 4 });
    expect(waiting.skipped).toEqual([
      { round: 1, shard: 4, state: 'waiting', why: 'already waiting' },
    ]);
    await expect(requeue(ctx, run, { kind: 'shard', shard: 99 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const after = await getRunStatus(ctx, run);
    expect(after.shards).toMatchObject({ waiting: 5, active: 1, failed: 0, missing: 0 });
  });
});

describe('status counts what is written, and answers without Redis', () => {
  const doneRun = 'st-done';

  /** A finished round whose shard jobs are gone from Redis (trimmed) and half its problems
   * were never written (its failed shard was tolerated). */
  async function writeDoneRound(store: FileSystemStore): Promise<void> {
    const plan = ctx.plan;
    const manifest = buildRoundManifest({
      plan,
      run: doneRun,
      round: 1,
      previousHooks: [],
      phase0: { shards: 2, problems: 8 },
    });
    await writeManifest(store, manifest);
    const now = new Date().toISOString();
    const state: RunState = {
      v: RUN_STATE_VERSION,
      run: doneRun,
      planName: 'run',
      planHash: 'h',
      status: 'done',
      createdAt: now,
      updatedAt: now,
      finishedAt: now,
      error: null,
      ingest: null,
      rounds: [
        {
          round: 1,
          status: 'done',
          manifest: manifestKey(doneRun, 1),
          phases: manifest.phases.map((p) => ({ phase: p.phase, startedAt: now, finishedAt: now })),
          hooks: { train: null, deploy: null },
          failedShards: [{ shard: 1, phase: 0, reason: 'sandbox unreachable' }],
          startedAt: now,
          finishedAt: now,
          summary: { problems: 8, solved: 2, sftRows: 3, pairs: 1 },
        },
      ],
    };
    await writeRunState(store, state);
    await store.write(
      roundFile(doneRun, 1, 'stats.json'),
      JSON.stringify({ problems: 8, missing: 4, phases: [{ phase: 0, records: 8 }] }),
    );
  }

  it('a done round reports the problems written, not its total', async () => {
    await writeDoneRound(ctx.store as FileSystemStore);
    const status = await getRunStatus(ctx, doneRun);
    expect(status).toMatchObject({
      status: 'done',
      roundStatus: 'done',
      problems: { total: 8, done: 4, solved: 2 },
      units: { total: 16, done: 8 },
      etaSeconds: 0,
      redis: { address: ctx.plan.redis.url, reachable: true, error: null },
    });
  });

  it('with Redis gone, answers from the store (run.json, manifest, stats) and says so', async () => {
    const plan = parsePlan(
      `corpus: { path: c.jsonl }\nredis: { url: ${redis.url}, prefix: '${uniquePrefix('st')}' }\n` +
        `defaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: m }, trees: 2 }\nrounds: 1\n`,
    );
    const down = await openFleetContext(plan, { store: ctx.store });
    try {
      // The connection status reads (and Redis-reading code uses) is gone.
      down.redis.disconnect();
      await writeDoneRound(ctx.store as FileSystemStore);
      const status = await getRunStatus(down, run);
      expect(status).toMatchObject({
        run,
        status: 'running',
        round: 1,
        roundStatus: 'searching',
        problems: { total: 24, done: 0 },
        shards: { total: 6, completed: 0, failed: 0 },
        etaSeconds: null,
        rejects: { total: 3 },
        redis: { address: redis.url, reachable: false },
      });
      expect(status.redis.error).not.toBeNull();
      const done = await getStoreRunStatus(ctx.store, doneRun, {
        address: redis.url,
        error: 'connect ECONNREFUSED',
      });
      expect(done).toMatchObject({
        problems: { total: 8, done: 4 },
        failures: [{ round: 1, phase: 0, shard: 1, reason: 'sandbox unreachable', attempts: 0 }],
        redis: { address: redis.url, reachable: false, error: 'connect ECONNREFUSED' },
      });
    } finally {
      await down.close();
    }
  });
});

/**
 * What `rstar-fleet eval --round 0` leaves in the store of a run `rstar-fleet run` has not begun
 * (no run.json): the manifest of a greedy evaluation of `problems` held-out problems.
 */
async function writeRound0Eval(
  on: FleetContext,
  evalRun: string,
  problems: number,
  shardSize?: number,
): Promise<EvalManifest> {
  const settings = compileEvaluate(
    {
      benchmarks: ['synth-heldout'],
      modes: ['greedy'],
      ...(shardSize === undefined ? {} : { shardSize }),
    },
    () => {
      throw new Error('a valid evaluate:');
    },
  );
  if (settings === null) throw new Error('a valid evaluate:');
  const manifest = buildEvalManifest({
    plan: on.plan,
    run: evalRun,
    state: null,
    request: { round: 0, settings },
    benchmarks: [{ name: 'synth-heldout', source: 'synth', problems, skipped: 0 }],
  });
  await writeEvalManifest(on.store, manifest);
  return manifest;
}

describe('a run not begun, evaluated all the same (`eval --round 0` before `run`)', () => {
  const evalOnly = 'st-eval-only';

  beforeAll(async () => {
    await writeRound0Eval(ctx, evalOnly, 6);
  });

  it('is not-started, with its evaluation, from Redis and from the store alone', async () => {
    const expected = {
      run: evalOnly,
      status: 'not-started',
      round: null,
      rounds: 0,
      history: [],
      shards: { total: 0 },
      evaluations: [
        {
          round: 0,
          evaluation: 'eval',
          status: 'queued',
          shards: { total: 1, missing: 1 },
          units: { total: 6, done: 0 },
          accuracy: null,
        },
      ],
    };
    expect(await getRunStatus(ctx, evalOnly)).toMatchObject({
      ...expected,
      redis: { reachable: true },
    });
    const stored = await getStoreRunStatus(ctx.store, evalOnly, {
      address: redis.url,
      error: 'connect ECONNREFUSED',
    });
    // Without Redis the eval shards' states are unknown (none counted), the rest the same.
    const [evaluation] = expected.evaluations;
    expect(stored).toMatchObject({
      ...expected,
      evaluations: [{ ...evaluation, shards: { total: 1, missing: 0 } }],
      redis: { reachable: false },
    });
  });

  it('a run with neither run.json nor an evaluation is still not found', async () => {
    await expect(getRunStatus(ctx, 'st-nothing')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('run st-nothing not found') as string,
    });
  });
});

describe("requeue of an evaluation's eval shards (real Redis)", () => {
  const evalRun = 'st-eval-rq';
  let on: FleetContext;
  let shardsWorker: Worker;
  let roundsWorker: Worker;
  let manifest: EvalManifest;
  const token = 'manual-eval';
  const id = (shard: number): string => evalShardJobId(evalRun, 0, 'eval', shard);
  const next = async (w: Worker = shardsWorker): Promise<Job> => {
    const job = (await w.getNextJob(token)) as Job | undefined;
    if (job === undefined) throw new Error('expected a waiting job');
    return job;
  };
  const result = { written: 2, skipped: 0, correct: 1, problems: 2 };

  beforeAll(async () => {
    // A queue prefix of its own: the manual workers see this evaluation's jobs only.
    const prefix = uniquePrefix('status-eval');
    const plan = parsePlan(
      `corpus: { path: c.jsonl }\nredis: { url: ${redis.url}, prefix: '${prefix}' }\n` +
        `defaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: m } }\nrounds: 1\n`,
    );
    on = await openFleetContext(plan, { store: ctx.store });
    const worker = (name: string, queue: string): Worker =>
      new Worker(queue, null, {
        connection: bullConnection({ url: redis.url, role: 'worker', connectionName: name }),
        prefix,
        autorun: false,
      });
    shardsWorker = worker('manual-shards', SHARD_QUEUE);
    roundsWorker = worker('manual-rounds', ROUND_QUEUE);
    // Three eval shards of two problems, failed for good on their first failure.
    manifest = await writeRound0Eval(on, evalRun, 6, 2);
    await ensureEvalFlow(on, manifest, { chunk: 10, shardRetry: { attempts: 1 } });
  });

  afterAll(async () => {
    await shardsWorker.close(true);
    await roundsWorker.close(true);
    await on.close();
  });

  it('retries failed, unstalls and re-adds eval shards, and says when the report must be written again', async () => {
    await (await next()).moveToCompleted(result, token, false);
    await (await next()).moveToFailed(new UnrecoverableError('policy down'), token, false);
    await next();
    // Eval shard 2's worker "died": its lock is gone.
    await on.redis.del(queueKey(on.prefix, SHARD_QUEUE, `${id(2)}:lock`));

    const stalled = await requeue(on, evalRun, { kind: 'stalled' });
    expect(stalled.requeued).toEqual([{ round: 0, evaluation: 'eval', shard: 2, from: 'active' }]);
    expect(await on.shards.getJobState(id(2))).toBe('waiting');
    await (await next()).moveToCompleted(result, token, false);

    // The evaluation is still waiting for its shards: nothing more to do once they finish.
    const failed = await requeue(on, evalRun, { kind: 'failed' });
    expect(failed).toEqual({
      requeued: [{ round: 0, evaluation: 'eval', shard: 1, from: 'failed' }],
      skipped: [],
      reextract: [],
      reevaluate: [],
    });
    expect(await on.shards.getJobState(id(1))).toBe('waiting');

    // It fails again; every shard finished, the evaluation's parent runs and fails (too many
    // failed): requeued again, the report is to be written by the same command run again.
    await (await next()).moveToFailed(new UnrecoverableError('policy down'), token, false);
    await (
      await next(roundsWorker)
    ).moveToFailed(new UnrecoverableError('1 of 3 eval shards failed'), token, false);
    expect(await on.rounds.getJobState(evalJobId(evalRun, 0, 'eval'))).toBe('failed');
    const again = await requeue(on, evalRun, { kind: 'failed' }, { evaluation: 'eval' });
    expect(again.requeued).toEqual([{ round: 0, evaluation: 'eval', shard: 1, from: 'failed' }]);
    expect(again.reevaluate).toEqual([{ round: 0, evaluation: 'eval', was: 'failed' }]);
    expect(requeueHint(again, evalRun, 'p.yaml')).toBe(
      'evaluation eval of round 0 failed: once its requeued shards finish, run the same ' +
        '`rstar-fleet eval` again to write its report',
    );

    // A reported evaluation's completed shard re-added (by --eval): its report is recounted.
    await on.store.write(evalFile(evalRun, 0, 'eval', 'report.json'), '{}');
    const one = await requeue(on, evalRun, { kind: 'shard', shard: 0 }, { evaluation: 'eval' });
    expect(one).toEqual({
      requeued: [{ round: 0, evaluation: 'eval', shard: 0, from: 'completed' }],
      skipped: [],
      reextract: [],
      reevaluate: [{ round: 0, evaluation: 'eval', was: 'reported' }],
    });
    expect(await on.shards.getJobState(id(0))).toBe('waiting');
    expect(requeueHint(one, evalRun, 'p.yaml')).toBe(
      'evaluation eval of round 0 already reported: once its requeued shards finish, recount ' +
        `it with\n  rstar-fleet eval --plan p.yaml --run ${evalRun} --round 0 --name eval --report`,
    );

    // Without --eval, --shard N is a round's shard: this run has begun no round.
    await expect(
      requeue(on, evalRun, { kind: 'shard', shard: 0 }, { round: 0 }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      requeue(on, evalRun, { kind: 'shard', shard: 9 }, { evaluation: 'eval' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('evaluation eval of round 0 has no shard 9') as string,
    });
    await expect(
      requeue(on, evalRun, { kind: 'failed' }, { evaluation: 'nope' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
