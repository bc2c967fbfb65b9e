import type { ProblemRecord } from '@rstar-fleet/corpus';
import {
  answersEquivalent,
  compileTestTimeOptions,
  runCost,
  runTestTime,
  type CompiledTestTimeOptions,
} from '@rstar-fleet/mcts';
import {
  EVAL_RECORD_VERSION,
  InvalidInputError,
  NotFoundError,
  formatLocation,
  evalRunKey,
  type EvalBenchmark,
  type EvalManifest,
  type EvalMode,
  type EvalRunRecord,
  type EvalShardJobData,
  type EvalShardJobResult,
  type TestTimeMode,
} from '@rstar-fleet/protocol';
import {
  evalShardResults,
  openEvalShardResults,
  readEvalShardResults,
  readShardProblems,
} from '@rstar-fleet/store';
import type { RunPortsTarget } from './fleet-ports';
import { realClock } from './outage';
import type { ProbedTarget } from './probe-dependencies';
import type { ShardDeps } from './run-shard';
import {
  countedShard,
  runShardUnits,
  throwIfCancelled,
  type ShardHooks,
  type ShardUnit,
} from './shard-units';
import type { RolloutStats } from './stats';
import { testTimeTarget } from './test-time-target';

/** What runEvalShard needs beyond what runShard does. */
export interface EvalShardDeps extends ShardDeps {
  /**
   * Asks the servers `target` names once, failing with RstarError UNAVAILABLE naming the one that
   * does not answer (the worker: probeDependencies with its health-probe deadline).
   */
  probe(target: ProbedTarget): Promise<void>;
}

/** One mode of the evaluation as this worker runs it. */
interface EvalModeRun {
  mode: TestTimeMode;
  runs: number;
  options: CompiledTestTimeOptions;
  /** The evaluation's models adjusted to the mode (greedy at temperature 0, PPM only if used). */
  target: RunPortsTarget;
}

/** One run of one problem under one mode: the unit of an eval shard. */
interface EvalUnit extends ShardUnit {
  problem: ProblemRecord;
  mode: EvalModeRun;
  run: number;
}

/**
 * Answers every problem of one eval shard under every mode of its evaluation, `runs` times each
 * (run k with seed manifest.seed + k), one EvalRunRecord per (benchmark, mode, problem, seed) in
 * the shard's results log, exactly once across crashes and re-runs, riding out dependency
 * outages like a round's shard (runShardUnits). Before the first run the servers the modes use
 * are probed once, so an unreachable PPM fails the job in seconds, naming its endpoint.
 * Throws InvalidInputError / NotFoundError for a poison job (isPoisonShardError: a bad manifest,
 * mode options or shard line, file:line), ShardCancelledError when `hooks.signal` fired.
 */
export function runEvalShard(
  data: EvalShardJobData,
  deps: EvalShardDeps,
  hooks: ShardHooks = {},
): Promise<EvalShardJobResult> {
  return countedShard(deps.stats, (stats) => evaluateShard(data, deps, stats, hooks));
}

async function evaluateShard(
  data: EvalShardJobData,
  deps: EvalShardDeps,
  stats: RolloutStats,
  hooks: ShardHooks,
): Promise<EvalShardJobResult> {
  const clock = deps.clock ?? realClock;
  const what = `eval shard ${data.shard} of evaluation ${data.evaluation} (${data.run} round ${data.round})`;
  throwIfCancelled(hooks.signal, what);

  const manifest = await deps.manifests.evaluation(data.manifest);
  const benchmark = checkJob(data, manifest);
  const modes = manifest.modes.map((m, i) => modeRun(manifest, m, i, data.manifest));
  const problems = await readShardProblems(deps.store, data.input);
  throwIfCancelled(hooks.signal, what);

  const units = problems.flatMap((problem) =>
    modes.flatMap((mode) =>
      Array.from({ length: mode.runs }, (_, run): EvalUnit => {
        const seed = manifest.seed + run;
        const key = evalRunKey({
          benchmark: benchmark.name,
          mode: mode.mode,
          problemId: problem.id,
          seed,
        });
        return { key, problemId: problem.id, problem, mode, run };
      }),
    ),
  );
  // Every server some mode uses: the PPM only when a mode scores with it.
  const probed: ProbedTarget = {
    policy: manifest.policy,
    sandbox: manifest.sandbox,
    ppm: modes.find((m) => m.target.ppm !== null)?.target.ppm ?? null,
  };
  const outcome = await runShardUnits<EvalUnit, EvalRunRecord>(
    {
      what,
      units,
      openLog: () =>
        openEvalShardResults(deps.store, data.run, data.round, data.evaluation, data.shard),
      readLog: () =>
        readEvalShardResults(deps.store, data.run, data.round, data.evaluation, data.shard),
      keyOf: evalRunKey,
      solved: (record) => record.correct,
      portsFor: (unit) => deps.ports.portsFor(unit.mode.target, unit.problemId),
      attempt: async (unit, ports, signal) => {
        const started = clock.now();
        const { problem, mode } = unit;
        const question = { id: problem.id, question: problem.problem };
        const ran = await runTestTime(ports, mode.options, question, unit.run, signal);
        const answer = ran.answer;
        return {
          v: EVAL_RECORD_VERSION,
          benchmark: benchmark.name,
          mode: mode.mode,
          problemId: problem.id,
          reference: problem.answer,
          run: unit.run,
          seed: ran.seed,
          answer: answer?.answer ?? null,
          score: answer?.score ?? null,
          nodeId: answer?.nodeId ?? null,
          correct:
            answer !== null &&
            (await answersEquivalent(ports.grader, answer.answer, problem.answer)),
          cost: runCost(ran.record),
          wallMs: Math.max(0, clock.now() - started),
          // No inference client reports the GPU time of its requests yet.
          gpuSeconds: null,
        };
      },
      written: (record) => stats.evalRunWritten(record),
      // Fail fast on a server that is not there, instead of riding it out unit by unit for the
      // outage budget. The probe's UNAVAILABLE is not poison: the queue retries the job after
      // its backoff and each attempt probes again, so a PPM that comes back is used by the next
      // attempt (what earlier attempts wrote stays written), and one that never does fails the
      // job for good after its attempts, with the endpoint in its failedReason. A shard whose
      // runs are all written probes nothing.
      beforeFirst: () => deps.probe(probed),
    },
    { options: deps.options, clock, stats, hooks },
  );
  return {
    written: outcome.progress.written,
    skipped: outcome.progress.skipped,
    correct: outcome.solvedUnits,
    problems: problems.length,
  };
}

/**
 * The job must agree with its manifest (run, round, evaluation, results key), and its shard must
 * be one of a benchmark's: the benchmark it belongs to.
 */
function checkJob(data: EvalShardJobData, manifest: EvalManifest): EvalBenchmark {
  const source = data.manifest;
  if (
    manifest.run !== data.run ||
    manifest.round !== data.round ||
    manifest.name !== data.evaluation
  ) {
    throw new InvalidInputError(
      `manifest is evaluation ${manifest.name} of ${manifest.run} round ${manifest.round}, the job says ${data.evaluation} of ${data.run} round ${data.round}`,
      { source, field: 'name' },
    );
  }
  const expected = evalShardResults(data.run, data.round, data.evaluation, data.shard);
  if (data.results !== expected) {
    throw new InvalidInputError(`expected results key ${expected}, got ${data.results}`, {
      field: 'results',
    });
  }
  const benchmark = manifest.benchmarks.find(
    (b) => data.shard >= b.firstShard && data.shard < b.firstShard + b.shards,
  );
  if (benchmark === undefined) {
    throw new NotFoundError(`${source}: no benchmark of the evaluation holds shard ${data.shard}`);
  }
  return benchmark;
}

/**
 * Mode `m` (the manifest's `index`th), its options read back through compileTestTimeOptions (which
 * validates them and adds nothing). The options must agree with the manifest: their seed is its
 * seed and their runs its runs, since the records' keys are built from the manifest's.
 */
function modeRun(manifest: EvalManifest, m: EvalMode, index: number, source: string): EvalModeRun {
  // Fields are the manifest's (`modes.1.options.mcts.rollouts`, `ppm`).
  const field = `modes.${index}`;
  try {
    const options = compileTestTimeOptions(m.options, `${field}.options`);
    if (options.mode !== m.mode) {
      throw new InvalidInputError(`options are for mode ${options.mode}, the mode is ${m.mode}`, {
        field: `${field}.options.mode`,
      });
    }
    if (options.seed !== manifest.seed || options.runs !== m.runs) {
      throw new InvalidInputError(
        `options say seed ${options.seed} and ${options.runs} run(s), the manifest seed ${manifest.seed} and ${m.runs} run(s)`,
        { field: `${field}.options` },
      );
    }
    const target = testTimeTarget(
      {
        run: manifest.run,
        round: manifest.round,
        evaluation: manifest.name,
        policy: manifest.policy,
        ppm: manifest.ppm,
        sandbox: manifest.sandbox,
        sampling: manifest.sampling,
      },
      options,
    );
    return { mode: m.mode, runs: m.runs, options, target };
  } catch (err) {
    // Name the manifest file: the option compiler knows only the field.
    if (!(err instanceof InvalidInputError) || err.where.source !== undefined) throw err;
    const place = formatLocation(err.where);
    const message = place === '' ? err.message : err.message.slice(place.length + 2);
    throw new InvalidInputError(message, { ...err.where, source }, { cause: err });
  }
}
