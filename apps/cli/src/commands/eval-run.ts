import { compileEvaluate, type EvaluatePlan, type RunPlan } from '@rstar-fleet/config';
import { renderEvalMarkdown, type EvalReport } from '@rstar-fleet/evaluation';
import { compileTestTimeOptions, PPM_MODES } from '@rstar-fleet/mcts';
import {
  EvalEngine,
  openStore,
  readRunState,
  recountEvalReport,
  runEvaluation,
  testTimeModels,
  EVAL_NAMES,
  FLEET_OPTION_DEFAULTS,
  silentLogger,
  type EvalProgress,
  type EvalRequest,
} from '@rstar-fleet/orchestration';
import { openCliContext, planAndRun } from '@rstar-fleet/orchestrator/fleet/context';
import { InvalidInputError, type EvalManifest } from '@rstar-fleet/protocol';
import { TestTimeSolver } from '@rstar-fleet/rollout';
import type { CliIO } from '../cli-io';
import { evalSourcesFromFlags } from '../eval-source-flags';
import { defined, modelsFromFlags } from '../model-flags';
import type { EvalFlags } from './eval';

/** The wiring of `rstar-fleet eval`: settings, models, probe, start, drive, print. */
export async function runEval(flags: EvalFlags, io: CliIO): Promise<void> {
  const { input, run } = await planAndRun(flags.plan, flags.run);
  const { plan } = input;
  if (flags.report) {
    const store = await openStore(plan.store);
    const round = flags.round ?? newestEvaluatedRound(plan, run, await readRunState(store, run));
    const name = flags.name ?? (flags.policy === undefined ? EVAL_NAMES.eval : EVAL_NAMES.custom);
    printReport(await recountEvalReport(store, run, round, name), flags, io);
    return;
  }
  // Settings are checked before Redis is reached: a bad flag fails without a fleet.
  const request: EvalRequest = {
    settings: evalSettings(flags, plan),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.round === undefined ? {} : { round: flags.round }),
    ...(flags.policy === undefined ? {} : { models: modelsFromFlags(flags) }),
  };
  const ctx = await openCliContext(input);
  try {
    const engine = new EvalEngine({
      ctx,
      flow: { chunk: FLEET_OPTION_DEFAULTS.flowChunk },
      logger: silentLogger,
      observer: {},
    });
    const started = await engine.start({
      plan,
      run,
      state: await readRunState(ctx.store, run),
      request,
      read: evalSourcesFromFlags(flags),
      // Probed before the manifest is claimed or a shard enqueued: an unreachable server fails
      // the command in seconds, naming it.
      ...(flags.probe ? { probe: (m: EvalManifest) => probe(m, flags.probeTimeoutMs) } : {}),
    });
    const { manifest } = started;
    for (const s of started.skipped) {
      io.stderr.write(`eval: ${s.benchmark}: skipped ${s.where}: ${s.reason}: ${s.message}\n`);
    }
    io.stderr.write(
      `eval: ${started.created ? 'started' : 'resuming'} evaluation "${manifest.name}" of ` +
        `run ${run}, round ${manifest.round} (${manifest.policy.model}` +
        `${manifest.ppm === null ? '' : ` + ${manifest.ppm.model}`}): ` +
        `${manifest.benchmarks.map((b) => `${b.name} ${b.problems}`).join(', ')} problem(s), ` +
        `${manifest.modes.map((m) => `${m.mode} × ${m.runs}`).join(', ')}\n`,
    );
    const progress = flags.progress ? progressLine(io) : null;
    const report = await runEvaluation(ctx, engine, manifest, {
      pollMs: flags.pollMs,
      onProgress: (p) => progress?.(p),
    });
    progress?.(null);
    printReport(report, flags, io);
  } finally {
    await ctx.close();
  }
}

/**
 * The evaluation's settings: the flags compiled by compileEvaluate (the plan's own compiler, so
 * the defaults are its), or the plan's `evaluate:` when no benchmark is given (--temperature
 * still applies there, as it always has).
 */
function evalSettings(flags: EvalFlags, plan: RunPlan): EvaluatePlan {
  const benchmarks = [
    ...flags.benchmark,
    ...flags.file.map((file) => ({ file, adapter: flags.adapter })),
  ];
  if (benchmarks.length === 0) {
    if (plan.evaluate === null) {
      throw new InvalidInputError(
        `give --benchmark NAME or --file PATH (${plan.source} has no evaluate: section)`,
        { field: '--benchmark' },
      );
    }
    return flags.temperature === undefined
      ? plan.evaluate
      : { ...plan.evaluate, sampling: { temperature: flags.temperature } };
  }
  const mcts = defined({
    candidates: flags.candidates,
    rollouts: flags.rollouts,
    maxDepth: flags.maxDepth,
  });
  const selection = defined({
    topK: flags.topK,
    vote: flags.vote as 'plain' | 'weighted' | undefined,
  });
  const testTime = defined({
    concurrentRuns: flags.concurrentRuns,
    solutionMaxDepth: flags.maxDepth,
    mcts: Object.keys(mcts).length === 0 ? undefined : mcts,
    beam: flags.maxDepth === undefined ? undefined : { maxDepth: flags.maxDepth },
    selection: Object.keys(selection).length === 0 ? undefined : selection,
  });
  const issues: string[] = [];
  const settings = compileEvaluate(
    {
      benchmarks,
      ...defined({
        modes: flags.modes as EvaluatePlan['modes'][number]['mode'][] | undefined,
        runs: flags.runs,
        sample: flags.sample,
        seed: flags.seed,
        shardSize: flags.shardSize,
        maxFailedShardShare: flags.maxFailedShare,
      }),
      ...(flags.temperature === undefined ? {} : { sampling: { temperature: flags.temperature } }),
      ...(Object.keys(testTime).length === 0 ? {} : { testTime }),
      baseline: false,
    },
    (path, message) => issues.push(`${path.join('.')}: ${message}`),
  );
  if (settings === null) throw new InvalidInputError(issues.join('; '), { field: 'flags' });
  return settings;
}

/** Which round's evaluation `--report` recounts by default: the newest deployed models'. */
function newestEvaluatedRound(
  plan: RunPlan,
  run: string,
  state: Parameters<typeof testTimeModels>[2],
): number {
  return testTimeModels(plan, run, state).round;
}

/**
 * Asks every server the evaluation's modes use (the solver's probe: sandbox health, policy and PPM
 * /health), each within the deadline; the first unreachable one is the error (UNAVAILABLE).
 */
async function probe(manifest: EvalManifest, timeoutMs: number): Promise<void> {
  const mode = manifest.modes.find((m) => PPM_MODES.includes(m.mode)) ?? manifest.modes[0];
  if (mode === undefined) return;
  const solver = new TestTimeSolver(
    {
      policy: manifest.policy,
      ppm: manifest.ppm,
      sandbox: manifest.sandbox,
      sampling: manifest.sampling,
    },
    compileTestTimeOptions(mode.options, `modes.${mode.mode}`),
    { probeTimeoutMs: timeoutMs },
  );
  try {
    await solver.probe();
  } finally {
    await solver.close();
  }
}

/** One progress line on stderr, rewritten in place on a TTY; null ends it. */
function progressLine(io: CliIO): (p: EvalProgress | null) => void {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let last = '';
  return (p) => {
    if (p === null) {
      if (tty && last !== '') io.stderr.write('\n');
      return;
    }
    const pct = p.units.total === 0 ? 0 : (100 * p.units.done) / p.units.total;
    const line =
      `eval ${p.evaluation} (round ${p.round}): ${p.status}, ${p.units.done}/${p.units.total} runs ` +
      `(${pct.toFixed(1)} %), ${p.correct} correct, shards ${p.shards.completed}/${p.shards.total} done` +
      `${p.shards.failed > 0 ? `, ${p.shards.failed} FAILED` : ''}, ETA ` +
      `${p.etaSeconds === null ? 'unknown' : `${p.etaSeconds} s`}`;
    if (line === last) return;
    last = line;
    io.stderr.write(tty ? `\r\u001b[K${line}` : `${line}\n`);
  };
}

function printReport(report: EvalReport, flags: EvalFlags, io: CliIO): void {
  io.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : renderEvalMarkdown(report));
}
