import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parsePlan } from '@rstar-fleet/config';
import {
  DEFAULT_LEASE_MS,
  Orchestrator,
  PLAN_EVAL_NAME,
  getRunStatus,
  openFleetContext,
  readEvalManifest,
  readEvalResults,
  readRunState,
  type EvalSourceOptions,
  type FleetLogger,
  type FleetObserver,
  type RunState,
} from '@rstar-fleet/orchestration';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { FileSystemStore, evalFile, roundFile } from '@rstar-fleet/store';
import { cliScript } from './harness';
import { waitFor } from './orchestrator-fixtures';
import { useFleetServices, type WrittenPlan } from './use-fleet-services';

/**
 * The plan's `evaluate:` through the real fleet (private Redis, gRPC sandbox, the SIMULATED model
 * server, `rstar-fleet worker` processes; the orchestrator in process): the starting models are
 * evaluated before round 1 searches, each round waits in `evaluating` for its evaluation of the
 * models its deploy hook served, and a restart mid-evaluation resumes it without a second one.
 */

jest.setTimeout(240_000);

/** Held-out problems per evaluation, and System 2's runs. */
const EVAL_PROBLEMS = 4;
const SYSTEM2_RUNS = 2;

const suite = useFleetServices('rstar-orch-eval-');

/** `rstar-fleet status` (the real CLI) of a run; its stdout. */
async function statusCli(path: string, run: string, json: boolean): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cliScript, 'status', '--plan', path, '--run', run, ...(json ? ['--json'] : [])],
    {
      cwd: suite.dir,
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
      timeout: 60_000,
    },
  );
  return stdout;
}

const evalSources = (): EvalSourceOptions => ({
  dir: suite.dir,
  synth: { seed: 7, count: EVAL_PROBLEMS },
});

/** The orchestrator suites' two-round plan with a tiny `evaluate:` (greedy and System 2). */
function writePlan(prefix: string): WrittenPlan {
  // System 2 scores with the PPM: the simulator's, beside its policy.
  return suite.writePlan(prefix, {
    ppm: true,
    extra: [
      'evaluate:',
      '  benchmarks: [synth-heldout]',
      `  runs: ${SYSTEM2_RUNS}`,
      '  shardSize: 2',
      '  testTime: { mcts: { candidates: 2, rollouts: 2, maxDepth: 8 }, solutionMaxDepth: 8 }',
      '',
    ].join('\n'),
  });
}

/** What the orchestrator's logger wrote, as (message, fields). */
function recordingLogger(): { logger: FleetLogger; lines: { msg: string; fields: object }[] } {
  const lines: { msg: string; fields: object }[] = [];
  const push = (fields: object, msg: string): void => void lines.push({ msg, fields });
  return { logger: { info: push, warn: push, error: push }, lines };
}

async function open(
  text: string,
  run: string,
  observer: FleetObserver,
  logger: FleetLogger,
): Promise<Orchestrator> {
  return Orchestrator.open(
    parsePlan(text, join(suite.dir, 'plan.yaml')),
    { planText: text, run, leaseMs: DEFAULT_LEASE_MS, evalSources: evalSources(), logger },
    observer,
  );
}

/** Every eval record of the plan's evaluation of `round`: once per (benchmark, mode, problem, seed). */
async function expectEachRunOnce(
  store: FileSystemStore,
  run: string,
  round: number,
): Promise<void> {
  const manifest = await readEvalManifest(store, run, round, PLAN_EVAL_NAME);
  expect(manifest).not.toBeNull();
  const records = await readEvalResults(store, manifest!);
  const keys = records.map((r) => `${r.benchmark}|${r.mode}|${r.problemId}|${r.seed}`);
  expect(new Set(keys).size).toBe(keys.length);
  // greedy runs once whatever `runs` says; System 2 `runs` times.
  expect(records.length).toBe(EVAL_PROBLEMS * (1 + SYSTEM2_RUNS));
}

describe("the plan's evaluate: (real Redis, sandbox, simulator and rollout workers)", () => {
  it('evaluates the starting models first, then each round before the next starts; run.json and status carry the table', async () => {
    const prefix = uniquePrefix('orcheval');
    const { text, path } = writePlan(prefix);
    await suite.services.startWorkers(path, 2);
    const events: string[] = [];
    const observer: FleetObserver = {
      phaseStarted: (e) => events.push(`phase ${e.round}.${e.phase}`),
      roundStatus: (round, status) => events.push(`round ${round} ${status}`),
      evalReported: (e) => events.push(`reported ${e.round}`),
    };
    const { logger } = recordingLogger();
    const orch = await open(text, 'ev1', observer, logger);
    let state: RunState;
    try {
      await orch.start();
      state = await orch.done;
    } finally {
      await orch.close();
    }
    expect(state.status).toBe('done');
    const at = (event: string): number => {
      const i = events.indexOf(event);
      expect({ event, found: i >= 0 }).toEqual({ event, found: true });
      return i;
    };
    // The baseline before round 1's search; each round's report before the next round's search.
    expect(at('reported 0')).toBeLessThan(at('phase 1.0'));
    expect(at('round 1 evaluating')).toBeLessThan(at('reported 1'));
    expect(at('reported 1')).toBeLessThan(at('phase 2.0'));
    expect(at('reported 1')).toBeLessThan(at('round 1 done'));
    expect(at('round 2 evaluating')).toBeLessThan(at('reported 2'));
    expect(at('reported 2')).toBeLessThan(at('round 2 done'));

    const store = new FileSystemStore(join(suite.dir, 'store'));
    // Each round's evaluation scored the models its deploy hook served (round 0: the plan's).
    const policies = [];
    for (const round of [0, 1, 2]) {
      const manifest = await readEvalManifest(store, 'ev1', round, PLAN_EVAL_NAME);
      policies.push(manifest?.policy.model);
      await expectEachRunOnce(store, 'ev1', round);
    }
    expect(policies).toEqual(['sim-policy-r0', 'sim-policy-deploy-r1', 'sim-policy-deploy-r2']);

    // run.json: a summary per round with the report's key and accuracies with intervals.
    const saved = await readRunState(store, 'ev1');
    expect(saved?.evaluations?.map((e) => [e.round, e.status, e.report])).toEqual(
      [0, 1, 2].map((r) => [r, 'reported', evalFile('ev1', r, PLAN_EVAL_NAME, 'report.json')]),
    );
    for (const e of saved?.evaluations ?? []) {
      const report = JSON.parse(readFileSync(join(suite.dir, 'store', e.report ?? ''), 'utf8')) as {
        benchmarks: { modes: { mode: string; accuracy: { value: number } | null }[] }[];
      };
      expect(e.accuracy.map((a) => [a.mode, a.value])).toEqual(
        report.benchmarks[0]?.modes.map((m) => [m.mode, m.accuracy?.value ?? null]),
      );
      // A trained round's stats.json says what it bought: the same accuracies, the same report.
      if (e.round === 0) continue;
      const stats = JSON.parse(
        readFileSync(join(suite.dir, 'store', roundFile('ev1', e.round, 'stats.json')), 'utf8'),
      ) as { round: number; evaluation?: unknown };
      expect(stats.round).toBe(e.round);
      expect(stats.evaluation).toEqual({ report: e.report, accuracy: e.accuracy });
    }
    expect(existsSync(join(suite.dir, 'store', 'runs', 'ev1', 'eval-table.md'))).toBe(true);
    expect(existsSync(join(suite.dir, 'store', 'runs', 'ev1', 'eval-table.svg'))).toBe(true);

    // status (JSON and text) carries the round table: rows 0..2, columns benchmark × mode.
    const ctx = await openFleetContext(parsePlan(text, path), { store });
    try {
      const status = await getRunStatus(ctx, 'ev1');
      expect(status.roundTable?.rows.map((r) => r.round)).toEqual([0, 1, 2]);
      expect(status.roundTable?.columns).toEqual([
        { benchmark: 'synth-heldout', mode: 'greedy' },
        { benchmark: 'synth-heldout', mode: 'system2' },
      ]);
      expect(status.roundTable?.rows[2]?.cells[1]?.accuracy).toBe(
        saved?.evaluations?.[2]?.accuracy[1]?.value,
      );
      // The CLI says the same, as JSON and as text.
      const json = JSON.parse(await statusCli(path, 'ev1', true)) as typeof status;
      expect(json.roundTable).toEqual(status.roundTable);
      expect(json.roundEvaluations).toEqual(saved?.evaluations);
      const textStatus = await statusCli(path, 'ev1', false);
      expect(textStatus).toContain('evaluation by round:');
      expect(textStatus).toMatch(/synth-heldout greedy.*synth-heldout system2/);
      expect(textStatus).toMatch(/^\s+\| 0 \(start\)\s+\| sim-policy-r0 /m);
    } finally {
      await ctx.close();
    }
  });

  it('an orchestrator stopped mid-evaluation resumes it: no second evaluation, each run once', async () => {
    const prefix = uniquePrefix('orcheval');
    const { text, path } = writePlan(prefix);
    await suite.services.startWorkers(path, 2);
    // The workers stop as round 1 starts evaluating: its evaluation cannot finish before the stop.
    const stop: { workers: Promise<void> | null } = { workers: null };
    const first = recordingLogger();
    const orch1 = await open(
      text,
      'ev2',
      {
        roundStatus: (round, status) => {
          if (round === 1 && status === 'evaluating') stop.workers ??= suite.services.stopWorkers();
        },
      },
      first.logger,
    );
    await orch1.start();
    await waitFor(() => Promise.resolve(stop.workers !== null), 180_000);
    await stop.workers;
    const store = new FileSystemStore(join(suite.dir, 'store'));
    // Its flow is in Redis (the round job asked for it) before this orchestrator goes.
    await waitFor(() =>
      Promise.resolve(
        first.lines.some(
          (l) => l.msg === 'evaluation flow' && (l.fields as { round?: number }).round === 1,
        ),
      ),
    );
    await orch1.close();
    const stopped = await readRunState(store, 'ev2');
    expect(stopped?.rounds[0]?.status).toBe('evaluating');
    expect(stopped?.evaluations?.find((e) => e.round === 1)?.status).toBe('evaluating');
    expect(
      existsSync(join(suite.dir, 'store', evalFile('ev2', 1, PLAN_EVAL_NAME, 'report.json'))),
    ).toBe(false);
    const manifestText = readFileSync(
      join(suite.dir, 'store', evalFile('ev2', 1, PLAN_EVAL_NAME, 'eval.json')),
      'utf8',
    );

    await suite.services.startWorkers(path, 2);
    const second = recordingLogger();
    const orch2 = await open(text, 'ev2', {}, second.logger);
    let state: RunState;
    try {
      await orch2.start();
      state = await orch2.done;
    } finally {
      await orch2.close();
    }
    expect(state.status).toBe('done');
    // Resumed: the same manifest, its flow found in Redis (not added again).
    const flows = second.lines.filter(
      (l) => l.msg === 'evaluation flow' && (l.fields as { round?: number }).round === 1,
    );
    expect(flows.map((l) => (l.fields as { flow?: string }).flow)).toEqual(['present']);
    expect(
      readFileSync(
        join(suite.dir, 'store', evalFile('ev2', 1, PLAN_EVAL_NAME, 'eval.json')),
        'utf8',
      ),
    ).toBe(manifestText);
    for (const round of [0, 1, 2]) await expectEachRunOnce(store, 'ev2', round);
    expect(state.evaluations?.map((e) => e.status)).toEqual(['reported', 'reported', 'reported']);
  });
});
