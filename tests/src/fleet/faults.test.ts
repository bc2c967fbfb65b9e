import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerService } from '@rstar-fleet/cli';
import {
  activeShards,
  expectConsistentRound,
  resultLineCount,
  startFleet,
  unitCounts,
  waitFor,
  waitForLeaseFree,
  type TestFleet,
} from './harness';

/**
 * DESIGN §8 through the whole fleet, every service a separate process: a killed worker, a
 * restarted Redis, an inference outage, bad input and a killed orchestrator must neither lose
 * nor duplicate a search unit, and the run finishes.
 */

jest.setTimeout(240_000);

let fleet: TestFleet | null = null;
afterEach(async () => {
  await fleet?.teardown();
  fleet = null;
});

/** Worker flags that make a dead worker's shard come back quickly (lock 5 s). */
const FAST_STALL = { args: ['--lock-duration-ms', '5000'] };

/**
 * Waits until some running worker is in the middle of a shard of `round` (started, at least one
 * unit written, not finished) and returns it.
 */
async function workerMidShard(f: TestFleet, round: number): Promise<WorkerService> {
  let found: WorkerService | null = null;
  await waitFor(
    () => {
      for (const worker of f.workers) {
        if (!worker.running()) continue;
        for (const active of activeShards(worker)) {
          if (active.round === round && resultLineCount(f.runDir, round, active.shard) > 0) {
            found = worker;
            return true;
          }
        }
      }
      return false;
    },
    120_000,
    `a worker in the middle of a round-${round} shard`,
  );
  if (found === null) throw new Error('unreachable');
  return found;
}

/** Resolves once round `round` has at least one search record written. */
function roundStarted(f: TestFleet, round: number): Promise<void> {
  return waitFor(
    () => [0, 1, 2, 3, 4, 5].some((s) => resultLineCount(f.runDir, round, s) > 0),
    120_000,
    `round ${round} searching`,
  );
}

async function expectRoundsConsistent(f: TestFleet, rounds: number, problems: number) {
  for (let round = 1; round <= rounds; round++) {
    const files = await f.readRound(round);
    expectConsistentRound(files, problems);
    expect(files.stats.failedShards).toEqual([]);
  }
}

describe('fleet faults (separate processes)', () => {
  it('survives kill -9 of a worker mid-shard, twice: every unit once, no duplicate rows', async () => {
    const problems = 12;
    fleet = await startFleet({
      problems,
      rounds: 2,
      shardSize: 3,
      budgets: [
        { rollouts: 4, candidates: 3 },
        { rollouts: 4, candidates: 3 },
      ],
      worker: FAST_STALL,
    });
    const f = fleet;
    const orch = await f.startOrchestrator();

    const first = await workerMidShard(f, 1);
    expect((await f.killWorker(f.workers.indexOf(first))).signal).toBe('SIGKILL');
    await f.addWorker();
    const second = await workerMidShard(f, 2);
    expect((await f.killWorker(f.workers.indexOf(second))).signal).toBe('SIGKILL');
    await f.addWorker();

    expect(await orch.exited).toEqual({ code: 0, signal: null });
    await expectRoundsConsistent(f, 2, problems);
    // The shards the dead workers held were searched again, writing only what was missing.
    for (const round of [1, 2]) {
      const files = await f.readRound(round);
      expect([...unitCounts(files).values()].every((n) => n === 1)).toBe(true);
      expect(files.records).toHaveLength(problems);
    }
  });

  it('finishes a round during which Redis is restarted (AOF)', async () => {
    const problems = 9;
    fleet = await startFleet({
      problems,
      rounds: 2,
      privateRedis: true,
      budgets: [
        { rollouts: 4, candidates: 3 },
        { rollouts: 2, candidates: 2 },
      ],
    });
    const f = fleet;
    const orch = await f.startOrchestrator();
    await roundStarted(f, 1);
    await f.restartRedis('SIGTERM', 2_000);
    expect(await orch.exited).toEqual({ code: 0, signal: null });
    await expectRoundsConsistent(f, 2, problems);
  });

  it('rides out the simulator stopped for 10 s mid-round: no failed problem', async () => {
    const problems = 9;
    fleet = await startFleet({
      problems,
      rounds: 2,
      budgets: [
        { rollouts: 2, candidates: 2 },
        { rollouts: 4, candidates: 3 },
      ],
    });
    const f = fleet;
    const orch = await f.startOrchestrator();
    // Round 2: the simulator comes back serving the checkpoint round 1 deployed.
    await roundStarted(f, 2);
    await f.stopSimulator();
    await new Promise((r) => setTimeout(r, 10_000));
    await f.startSimulator();
    expect(await orch.exited).toEqual({ code: 0, signal: null });
    await expectRoundsConsistent(f, 2, problems);
    const status = await f.status();
    expect(status.failures).toEqual([]);
    // The outage was noticed and waited out, not skipped.
    const waited = f.workers.some((w) =>
      w.logs.some((l) => l.includes('dependency unavailable; retrying the call')),
    );
    expect(waited).toBe(true);
  });

  it('runs the valid records of a corpus with malformed lines and counts the rejects', async () => {
    const problems = 6;
    const extra = [
      'this is not JSON',
      '[1, 2, 3]',
      JSON.stringify({ id: 'no-problem', answer: '3' }),
      JSON.stringify({ id: 'empty', problem: '', answer: '1' }),
    ];
    fleet = await startFleet({ problems, rounds: 1, extraCorpusLines: extra });
    const f = fleet;
    await f.runToCompletion();
    const files = await f.readRound(1);
    expectConsistentRound(files, problems);
    expect(files.stats.rejects.total).toBe(extra.length);
    const reasons = files.stats.rejects.byReason;
    expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(extra.length);
    expect(reasons['invalid-json']).toBe(1);
    expect(reasons['not-an-object']).toBe(1);

    const status = await f.status();
    expect(status.rejects.total).toBe(extra.length);
    expect(status.rejects.byReason).toEqual(reasons);
    // Each reject is kept with the place it came from.
    const rejects = readFileSync(join(f.runDir, 'rejects.jsonl'), 'utf8').trim().split('\n');
    expect(rejects).toHaveLength(extra.length);
    expect(rejects[0]).toContain(':7');
  });

  it('resumes a run when `rstar-fleet run` is started again after a crash mid-round 2', async () => {
    const problems = 9;
    fleet = await startFleet({
      problems,
      rounds: 3,
      leaseMs: 3_000,
      budgets: [
        { rollouts: 2, candidates: 2 },
        { rollouts: 4, candidates: 3 },
        { rollouts: 2, candidates: 2 },
      ],
    });
    const f = fleet;
    const first = await f.startOrchestrator();
    await roundStarted(f, 2);
    const before = f.runState();
    const round1 = new Map(
      [0, 1, 2].map((s) => [s, readFileSync(join(f.runDir, 'round-1', 'results', `${s}.jsonl`))]),
    );
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');

    // The dead orchestrator's run lease keeps others out until it expires.
    await waitForLeaseFree(f, 30_000);
    const second = await f.runToCompletion();
    expect(second.output()).toContain(`run ${f.run} done: 3 round(s)`);
    const after = f.runState();
    // Not started over: same ingest, round 1's hooks not run again, its results untouched.
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.ingest?.startedAt).toBe(before.ingest?.startedAt);
    const r1 = (s: typeof before) => s.rounds.find((r) => r.round === 1);
    expect(r1(after)?.hooks.train?.startedAt).toBe(r1(before)?.hooks.train?.startedAt);
    for (const [shard, bytes] of round1) {
      expect(readFileSync(join(f.runDir, 'round-1', 'results', `${shard}.jsonl`))).toEqual(bytes);
    }
    expect(second.output()).not.toContain('corpus ingested');
    await expectRoundsConsistent(f, 3, problems);
  });
});
