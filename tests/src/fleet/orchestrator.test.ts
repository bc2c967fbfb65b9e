import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { parsePlan } from '@rstar-fleet/config';
import { createExtractor } from '@rstar-fleet/mcts';
import {
  DEFAULT_LEASE_MS,
  Orchestrator,
  extractRound,
  getRunStatus,
  openFleetContext,
  requeue,
  type RoundStats,
  type RunState,
} from '@rstar-fleet/orchestration';
import { parseRoundManifest, roundJobId, searchUnitKey, shardJobId } from '@rstar-fleet/protocol';
import { ROUND_QUEUE, SHARD_QUEUE, bullConnection } from '@rstar-fleet/queue';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { FileSystemStore, roundFile } from '@rstar-fleet/store';
import { waitFor as waitUntil } from './harness';
import {
  PROBLEMS,
  breakShardInput,
  jsonl,
  readAll,
  resetSimulator,
  waitFor,
} from './orchestrator-fixtures';
import { useFleetServices } from './use-fleet-services';

/**
 * The orchestrator (driven in process) against the real fleet: a private Redis, the gRPC sandbox,
 * the simulator over HTTP and `rstar-fleet worker` processes (harness.ts), a directory store,
 * and command hooks run as real processes (the deploy hook loads a checkpoint into the
 * simulator). Each test writes its own plan under a unique queue prefix and starts its own
 * workers for it; the simulator is put back on its base checkpoint first.
 */

jest.setTimeout(120_000);

const suite = useFleetServices('rstar-orch-');

describe('the orchestrator (real Redis, sandbox, simulator and rollout workers)', () => {
  it('runs two rounds with hooks and escalation; a poison shard is listed, then requeued and extracted', async () => {
    const prefix = uniquePrefix('orch');
    const { text, path } = suite.writePlan(prefix);
    const plan = parsePlan(text, path);
    const store = new FileSystemStore(join(suite.dir, 'store'));
    const events: string[] = [];
    const orch = await Orchestrator.open(
      plan,
      { planText: text, store, leaseMs: DEFAULT_LEASE_MS },
      {
        phaseStarted: (e) => events.push(`phase ${e.round}/${e.phase} shards=${e.shards}`),
        roundDone: (e) => events.push(`done ${e.round}`),
      },
    );
    let state: RunState;
    try {
      // Ingest enqueues round 1 with no worker running yet; shard 1's input is damaged before
      // the workers start, so they fail it for good naming the file and line.
      // The orchestrator reads the shard files too (extraction, resharding), so the file is
      // repaired as soon as the shard failed; the simulator is down meanwhile, so the other
      // shards (outage: retried after a pause) cannot complete the round before that.
      await orch.start();
      const repair = breakShardInput(join(suite.dir, 'store'), orch.run, 1, 1);
      await suite.services.stopSimulator();
      await suite.services.startWorkers(path, 2);
      const queue = new Queue(SHARD_QUEUE, {
        connection: bullConnection({
          url: suite.services.redisUrl,
          role: 'producer',
          connectionName: 't',
        }),
        prefix,
      });
      try {
        await waitUntil(
          async () => (await queue.getJobState(shardJobId(orch.run, 1, 1))) === 'failed',
          60_000,
          'shard 1 of round 1 failing for good',
        );
      } finally {
        await queue.close();
      }
      repair();
      await suite.services.startSimulator();
      state = await orch.done;
    } finally {
      await orch.close();
      await suite.services.startSimulator(); // no-op unless the test failed while it was down
    }
    const run = orch.run;
    expect(run).toMatch(/^orch-test-[0-9a-f]{8}$/);
    expect(state.status).toBe('done');

    // Ingest: 10 problems in shards of 4, the two malformed lines rejected with their place.
    expect(state.ingest).toMatchObject({ problems: PROBLEMS, shards: 3, rejects: 2 });
    const rejects = jsonl(join(suite.dir, 'store', 'runs', run, 'rejects.jsonl')) as {
      where: string;
      reason: string;
    }[];
    expect(rejects.map((r) => r.where)).toEqual([
      expect.stringMatching(/corpus\.jsonl:3/),
      expect.stringMatching(/corpus\.jsonl:6/),
    ]);

    // Round 1: the poison shard is listed with the worker's reason; the round still completed
    // (its plan tolerates one failed shard in three: maxFailedShardShare 0.5).
    const r1 = state.rounds[0]!;
    const poison = {
      shard: 1,
      phase: 0,
      reason: expect.stringMatching(/round-1\/shards\/1\.jsonl:2.*not valid JSON/),
    };
    expect(r1.failedShards).toEqual([poison]);
    const stats1 = JSON.parse(
      readFileSync(join(suite.dir, 'store', roundFile(run, 1, 'stats.json')), 'utf8'),
    ) as RoundStats;
    expect(stats1).toMatchObject({ problems: PROBLEMS, missing: 4 });
    expect(stats1.failedShards).toEqual([poison]);
    expect(stats1.rejects.total).toBe(2);

    // Hooks ran in order with their results (extra fields kept); round 2 uses the deploy model.
    expect(r1.hooks.train).toMatchObject({
      status: 'succeeded',
      result: { policy: { model: 'sim-policy-train-r1' } },
    });
    expect(r1.hooks.deploy?.result).toMatchObject({ audit: { rows: stats1.sftRows } });
    const manifest2 = parseRoundManifest(
      readFileSync(join(suite.dir, 'store', 'runs', run, 'round-2', 'round.json'), 'utf8'),
      {},
    );
    expect(manifest2.policy.model).toBe('sim-policy-deploy-r1');
    expect(readFileSync(join(suite.dir, 'store', 'runs', run, 'hook-calls.log'), 'utf8')).toBe(
      'train 1\ndeploy 1\ntrain 2\ndeploy 2\n',
    );

    // Round 2: escalation phase 1 holds exactly the problems phase 0 left unsolved.
    const records2 = await readAll(store, run, 2, 10);
    const phase0 = manifest2.phases[0]!;
    const solved0 = new Set(
      records2.filter((r) => r.search.seed < 1000 && r.stats.solved).map((r) => r.problemId),
    );
    expect(manifest2.phases).toHaveLength(2);
    const phase1 = manifest2.phases[1]!;
    expect(phase1).toMatchObject({ phase: 1, rollouts: 3, trees: 1, firstShard: phase0.shards });
    expect(phase1.problems).toBe(PROBLEMS - solved0.size);
    expect(events).toEqual(
      expect.arrayContaining([
        'phase 1/0 shards=3',
        'phase 2/0 shards=3',
        `phase 2/1 shards=${phase1.shards}`,
        'done 2',
      ]),
    );

    // Datasets are consistent with the results files: one record per unit, rows as extracted.
    const stats2 = JSON.parse(
      readFileSync(join(suite.dir, 'store', roundFile(run, 2, 'stats.json')), 'utf8'),
    ) as RoundStats;
    const keys = records2.map((r) => searchUnitKey(r.problemId, r.search.seed));
    expect(new Set(keys).size).toBe(keys.length);
    expect(records2).toHaveLength(PROBLEMS + phase1.problems);
    const extractor = createExtractor();
    const sftRows = records2.reduce((n, r) => n + extractor.extract(r).sft.length, 0);
    expect(stats2.sftRows).toBe(sftRows);
    expect(jsonl(join(suite.dir, 'store', roundFile(run, 2, 'sft.jsonl')))).toHaveLength(sftRows);
    const solvedAll = new Set(records2.filter((r) => r.stats.solved).map((r) => r.problemId));
    expect(stats2.solved).toBe(solvedAll.size);
    expect(jsonl(join(suite.dir, 'store', roundFile(run, 2, 'unsolved.jsonl')))).toHaveLength(
      PROBLEMS - solvedAll.size,
    );
    expect(stats2.phases.map((p) => p.records)).toEqual([PROBLEMS, phase1.problems]);
    expect(Object.values(stats2.byDifficulty).reduce((n, g) => n + g.problems, 0)).toBe(PROBLEMS);

    // Status reads the same picture; the failed shard is still reported for round 1.
    const ctx = await openFleetContext(plan, { store });
    try {
      const status = await getRunStatus(ctx, run);
      expect(status).toMatchObject({ status: 'done', round: 2, rejects: { total: 2 } });
      expect(status.history.map((h) => h.failedShards)).toEqual([1, 0]);

      // The cause was fixed (the file repaired above): the operator requeues the failed shard,
      // then re-extracts round 1.
      // Round 2's deploy moved the simulator on; round 1's shard needs round 1's model back.
      await resetSimulator(suite.services.simUrl);
      const outcome = await requeue(ctx, run, { kind: 'failed' }, { round: 1 });
      expect(outcome.requeued).toEqual([{ round: 1, shard: 1, from: 'failed' }]);
      expect(outcome.reextract).toEqual([1]);
      const queue = new Queue(SHARD_QUEUE, {
        connection: bullConnection({
          url: suite.services.redisUrl,
          role: 'producer',
          connectionName: 't',
        }),
        prefix,
      });
      const job = await queue.getJob(shardJobId(run, 1, 1));
      await waitFor(async () => (await job!.getState()) === 'completed');
      await queue.close();
      const fixed = await extractRound(ctx, run, 1);
      expect(fixed).toMatchObject({ problems: PROBLEMS, missing: 0, failedShards: [] });
      expect(fixed.records).toBe(PROBLEMS);
    } finally {
      await ctx.close();
    }
  });

  it('resumes a run stopped mid-round, and refuses another plan under its id', async () => {
    const prefix = uniquePrefix('orch');
    const { text, path } = suite.writePlan(prefix);
    const plan = parsePlan(text, 'plan.yaml');
    const store = new FileSystemStore(join(suite.dir, 'store'));

    // First orchestrator: ingests and enqueues round 1, then stops before any worker runs.
    const first = await Orchestrator.open(plan, {
      planText: text,
      store,
      leaseMs: DEFAULT_LEASE_MS,
    });
    await first.start();
    const before = await first.status();
    expect(before).toMatchObject({
      round: 1,
      roundStatus: 'searching',
      shards: { total: 3, waiting: 3 },
    });
    await first.close();

    // Workers run while no orchestrator does; a second orchestrator resumes and finishes.
    await suite.services.startWorkers(path, 2);
    const phases: string[] = [];
    const second = await Orchestrator.open(
      plan,
      { planText: text, store, leaseMs: DEFAULT_LEASE_MS },
      { phaseStarted: (e) => phases.push(`${e.round}/${e.phase}${e.resumed ? ' resumed' : ''}`) },
    );
    let state: RunState;
    try {
      await second.start();
      state = await second.done;
    } finally {
      await second.close();
    }
    expect(second.run).toBe(first.run);
    expect(phases[0]).toBe('1/0 resumed');
    expect(state.status).toBe('done');
    const records1 = await readAll(store, first.run, 1, 3);
    expect(records1).toHaveLength(PROBLEMS);
    expect(new Set(records1.map((r) => r.problemId)).size).toBe(PROBLEMS);

    // A finished run started again is simply done.
    const again = await Orchestrator.open(plan, {
      planText: text,
      store,
      leaseMs: DEFAULT_LEASE_MS,
    });
    await again.start();
    await expect(again.done).resolves.toMatchObject({ status: 'done' });
    await again.close();

    // Another plan under the same run id is refused, naming both.
    const other = `${text}\n# changed\n`;
    const refused = await Orchestrator.open(parsePlan(other, 'other.yaml'), {
      planText: other,
      leaseMs: DEFAULT_LEASE_MS,
      store,
      run: first.run,
    });
    await expect(refused.start()).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/plan\.yaml.*other\.yaml/),
    });
    await refused.close();
  });

  it('fails the run when a hook fails, keeps the outcome, and retries the hook on the next run', async () => {
    const prefix = uniquePrefix('orch');
    const { text, path } = suite.writePlan(prefix);
    const plan = parsePlan(text, 'plan.yaml');
    const store = new FileSystemStore(join(suite.dir, 'store'));
    await suite.services.startWorkers(path, 2);
    writeFileSync(join(suite.dir, 'fail-hook'), '');
    const first = await Orchestrator.open(plan, {
      planText: text,
      store,
      leaseMs: DEFAULT_LEASE_MS,
    });
    await first.start();
    await expect(first.done).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/round 1 train hook failed: exited with 2/),
    });
    await first.close();
    const failed = JSON.parse(
      readFileSync(join(suite.dir, 'store', 'runs', first.run, 'run.json'), 'utf8'),
    ) as RunState;
    expect(failed.status).toBe('failed');
    expect(failed.rounds[0]?.status).toBe('training');
    expect(failed.rounds[0]?.hooks.train).toMatchObject({
      status: 'failed',
      exitCode: 2,
      stderrTail: 'trainer crashed\n',
    });

    rmSync(join(suite.dir, 'fail-hook'));
    const second = await Orchestrator.open(plan, {
      planText: text,
      store,
      leaseMs: DEFAULT_LEASE_MS,
    });
    await second.start();
    await expect(second.done).resolves.toMatchObject({ status: 'done', error: null });
    await second.close();
    expect(
      readFileSync(join(suite.dir, 'store', 'runs', first.run, 'hook-calls.log'), 'utf8'),
    ).toBe('train 1\ndeploy 1\ntrain 2\ndeploy 2\n');
  });

  it('a forced shutdown returns within its bound while a round job is in flight, and hands the job back', async () => {
    const prefix = uniquePrefix('orch');
    const { text, path } = suite.writePlan(prefix);
    const plan = parsePlan(text, 'plan.yaml');
    const store = new FileSystemStore(join(suite.dir, 'store'));
    await suite.services.startWorkers(path, 2);
    // Round 1's train hook ignores SIGTERM and never ends: the round job stays in flight past
    // the grace, and only a real force can stop waiting for it.
    writeFileSync(join(suite.dir, 'hang-hook'), '');
    const graceMs = 300;
    const first = await Orchestrator.open(plan, {
      planText: text,
      store,
      leaseMs: DEFAULT_LEASE_MS,
      closeGraceMs: graceMs,
    });
    const rounds = new Queue(ROUND_QUEUE, {
      connection: bullConnection({
        url: suite.services.redisUrl,
        role: 'producer',
        connectionName: 't',
      }),
      prefix,
    });
    try {
      await first.start();
      await waitUntil(
        () => existsSync(join(suite.dir, 'hook-hung')),
        100_000,
        "round 1's train hook running",
      );
      const job = roundJobId(first.run, 1, 0);
      expect(await rounds.getJobState(job)).toBe('active');

      const started = Date.now();
      const result = await first.close();
      const tookMs = Date.now() - started;
      // The grace passed, the job was cancelled and went back to its queue within the settle
      // time: the hook's own SIGKILL (5 s after its SIGTERM) was not waited for.
      expect(result).toMatchObject({ reason: 'closed', drain: 'forced', forcedBy: 'grace over' });
      expect(result.failures).toEqual([]);
      const { settleMs, closeMs } = first.lifecycle.settings;
      expect(tookMs).toBeLessThan(graceMs + settleMs + 3 * closeMs);
      expect(tookMs).toBeLessThan(5_000);
      await expect(first.done).rejects.toMatchObject({ code: 'CANCELLED' });
      // Back in `wait` with no attempt spent, and no worker of this orchestrator left on it.
      expect(await rounds.getJobState(job)).toBe('waiting');
      expect((await rounds.getJob(job))?.attemptsMade).toBe(0);
      expect(await rounds.getWorkersCount()).toBe(0);
    } finally {
      await first.close();
      await rounds.close();
    }

    // The next orchestrator takes the job up and completes the round's hooks.
    rmSync(join(suite.dir, 'hang-hook'));
    const second = await Orchestrator.open(plan, {
      planText: text,
      store,
      leaseMs: DEFAULT_LEASE_MS,
    });
    try {
      await second.start();
      await expect(second.done).resolves.toMatchObject({ status: 'done', error: null });
    } finally {
      await second.close();
    }
    expect(
      readFileSync(join(suite.dir, 'store', 'runs', first.run, 'hook-calls.log'), 'utf8'),
    ).toBe('train 1\ndeploy 1\ntrain 2\ndeploy 2\n');
  });
});
