import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunState } from '@rstar-fleet/orchestration';
import { parseRoundManifest, type RoundManifest } from '@rstar-fleet/protocol';
import {
  expectConsistentRound,
  resultLineCount,
  runCli,
  startFleet,
  waitFor,
  waitForLeaseFree,
  type OrchestratorProcess,
  type TestFleet,
} from './harness';

/**
 * One orchestrator per run (DESIGN §8), every service a separate process: a second
 * `rstar-fleet run` on a run in progress refuses to start (exit 73, naming the holder), and
 * after the holder is killed the run is taken over only once its lease has expired, and finished
 * with every unit written once and run.json consistent.
 */

jest.setTimeout(300_000);

/** `rstar-fleet run`'s exit code when another orchestrator holds the run (exit-codes.ts). */
const EXIT_LEASE_HELD = 73;

let fleet: TestFleet | null = null;
afterEach(async () => {
  await fleet?.teardown();
  fleet = null;
});

function runArgs(f: TestFleet, leaseMs?: number): string[] {
  return [
    'run',
    ...['--plan', f.planPath, '--run', f.run, '--http-port', '0', '--no-progress'],
    ...(leaseMs === undefined ? [] : ['--lease-ms', String(leaseMs)]),
  ];
}

function leaseAcquired(orch: OrchestratorProcess): Promise<void> {
  return waitFor(
    () => orch.output().includes('"msg":"run lease acquired"'),
    60_000,
    `${orch.name} holding the run lease`,
  );
}

/**
 * run.json as a finished run must have it: every round done and referring to its manifest; the
 * manifests' models from the plan and hooks.
 */
function expectFinishedState(f: TestFleet, state: RunState, rounds: number): void {
  expect(state.status).toBe('done');
  expect(state.error).toBeNull();
  expect(state.rounds.map((r) => [r.round, r.status])).toEqual(
    Array.from({ length: rounds }, (_, i) => [i + 1, 'done']),
  );
  // What each round searched with is its manifest (what the workers used); run.json refers to it.
  const manifestOf = (round: number): RoundManifest =>
    parseRoundManifest(readFileSync(join(f.runDir, `round-${round}`, 'round.json'), 'utf8'), {});
  expect(manifestOf(1).policy.model).toBe('sim-policy-r0');
  for (const r of state.rounds) {
    expect(r.hooks.train?.status).toBe('succeeded');
    expect(r.hooks.deploy?.status).toBe('succeeded');
    expect(r.finishedAt).not.toBeNull();
    expect(r.manifest).toBe(`runs/${state.run}/round-${r.round}/round.json`);
    // Round r+1 searched with what round r's deploy hook reported it serves.
    const deployed = (r.hooks.deploy?.result as { policy?: { model?: string } } | null)?.policy
      ?.model;
    if (r.round < rounds) expect(manifestOf(r.round + 1).policy.model).toBe(deployed);
  }
}

/** Two rounds, the orchestrators' lease `leaseMs`, budgets that keep round 1 busy for a while. */
function twoRoundFleet(problems: number, leaseMs: number): Promise<TestFleet> {
  return startFleet({
    problems,
    rounds: 2,
    leaseMs,
    budgets: [
      { rollouts: 4, candidates: 3 },
      { rollouts: 2, candidates: 2 },
    ],
  });
}

/** Resolves once round 1 has a search record written (the holder is mid-round). */
function round1Searching(f: TestFleet): Promise<void> {
  return waitFor(
    () => [0, 1, 2].some((s) => resultLineCount(f.runDir, 1, s) > 0),
    120_000,
    'round 1 searching',
  );
}

describe('one orchestrator per run (separate processes)', () => {
  it('refuses a second `run` while the first holds the run, naming it; the first finishes', async () => {
    const problems = 6;
    // No worker yet: the first orchestrator cannot finish before the second one has tried.
    fleet = await startFleet({
      problems,
      rounds: 2,
      workers: 0,
      budgets: [
        { rollouts: 2, candidates: 2 },
        { rollouts: 2, candidates: 2 },
      ],
    });
    const f = fleet;
    const first = await f.startOrchestrator();
    await leaseAcquired(first);

    const second = await runCli(f, runArgs(f));
    expect(second.code).toBe(EXIT_LEASE_HELD);
    expect(second.stderr).toContain(`run ${f.run} is held by another orchestrator (`);
    expect(second.stderr).toContain(` pid ${first.pid} started `);
    expect(second.stderr).toMatch(/its lease expires at \d{4}-\d\d-\d\dT[^ ]+ \(in \d+\.\d s\)/);
    expect(second.stdout).not.toContain('corpus ingested');

    await f.addWorker();
    await f.addWorker();
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain(`run ${f.run} done: 2 round(s)`);
    expectFinishedState(f, f.runState(), 2);
    for (const round of [1, 2]) expectConsistentRound(await f.readRound(round), problems);
  });

  it('after kill -9 of the holder mid-round: refused until the lease expires, then resumed', async () => {
    const problems = 9;
    const leaseMs = 10_000;
    const f = (fleet = await twoRoundFleet(problems, leaseMs));
    const first = await f.startOrchestrator();
    await round1Searching(f);
    const before = f.runState();
    expect(before.rounds[0]?.status).toBe('searching');
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');

    // Right away: the dead holder's lease has not expired yet.
    const early = await runCli(f, runArgs(f, leaseMs));
    expect(early.code).toBe(EXIT_LEASE_HELD);
    expect(early.stderr).toContain(` pid ${first.pid} started `);
    expect(f.runState()).toEqual(before);

    // Once it has expired, a new orchestrator takes over and resumes (no ingest again).
    await waitForLeaseFree(f, leaseMs + 30_000);
    const second = await f.runToCompletion();
    expect(second.output()).toContain(`run ${f.run} done: 2 round(s)`);
    expect(second.output()).not.toContain('corpus ingested');
    const after = f.runState();
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.ingest).toEqual(before.ingest);
    expect(after.rounds[0]?.startedAt).toBe(before.rounds[0]?.startedAt);
    expect(after.revision ?? 0).toBeGreaterThan(before.revision ?? 0);
    expectFinishedState(f, after, 2);
    for (const round of [1, 2]) {
      const files = await f.readRound(round);
      expectConsistentRound(files, problems);
      expect(files.stats.failedShards).toEqual([]);
    }
  });

  it('a holder frozen past its lease is taken over, then stops without writing when it wakes', async () => {
    const problems = 9;
    const leaseMs = 4_000;
    const f = (fleet = await twoRoundFleet(problems, leaseMs));
    const first = await f.startOrchestrator();
    await round1Searching(f);
    // As a long GC pause or a suspended VM: alive, connections open, not renewing.
    process.kill(-first.pid, 'SIGSTOP');
    try {
      await waitForLeaseFree(f, leaseMs + 30_000);
      const second = await f.startOrchestrator();
      await leaseAcquired(second);
      const taken = f.runState();
      process.kill(-first.pid, 'SIGCONT');

      // The stale holder finds its lease gone and stops, non-zero, naming why.
      const woke = await first.exited;
      expect(woke.code).not.toBe(0);
      expect(first.output()).toContain('lost the orchestrator lease');
      expect(first.output()).not.toContain(`run ${f.run} done`);

      expect(await second.exited).toEqual({ code: 0, signal: null });
      const after = f.runState();
      expect(after.revision ?? 0).toBeGreaterThan(taken.revision ?? 0);
      expectFinishedState(f, after, 2);
      for (const round of [1, 2]) {
        const files = await f.readRound(round);
        expectConsistentRound(files, problems);
        expect(files.stats.failedShards).toEqual([]);
      }
    } finally {
      if (first.running()) process.kill(-first.pid, 'SIGCONT');
    }
  });
});
