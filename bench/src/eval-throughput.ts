import { availableParallelism, loadavg } from 'node:os';
import { InvalidInputError, TEST_TIME_MODES, type TestTimeMode } from '@rstar-fleet/protocol';
import type { BenchResult } from './bench-result';
import { intFlag, numberFlag, type BenchFlags } from './bench-flags';
import { startCluster, type Cluster, type SearchSettings } from './fleet-cluster';
import { startService, type ServiceProcess } from './fleet-procs';
import { synthProblems } from './fleet-overhead';
import { configKey, measureSearchWindow, parseConfigs, type Config } from './fleet-saturation';
import { simServerFlags, simServerFromFlags, type SimServerDefaults } from './sim-server-flags';
import {
  awaitSimIdle,
  measureWindow,
  readSim,
  simSpan,
  windowMetrics,
  workerTotals,
  type SimClock,
  type SimSpan,
  type SteadyWindow,
} from './sim-window';

/**
 * Evaluation throughput through the fleet (issue #12): `rstar-fleet eval` runs as its own process
 * against a private Redis, the gRPC sandbox, the simulator emulating a GPU server and
 * `rstar-fleet worker` processes — eval shards on the same `shards` queue the workers consume,
 * exactly as an operator runs it — once per test-time mode. Measured per mode: the share of the
 * server's capacity kept busy over a steady window (the simulator's exact integrals, as
 * fleet-saturation), evaluated problems per hour in that window (eval runs written ÷ runs per
 * problem), and the same two over the whole evaluation, start to report (its tail included).
 * The baseline, in the same run on the same server: search (round shards) at fleet-saturation's
 * setting, whose busy share the README reports.
 *
 * Each mode gets the simulated server two cores can feed within minutes. Greedy is a chain of
 * short single sequences, each followed by a sandbox run (≈ 5 ms of host CPU per sequence): a
 * 64-sequence server in real time. A System 2 run (rStar's 32 candidates × 12 rollouts) is ≈ 43
 * policy calls one after another, six simulated minutes at 512 tokens per step, with ≈ 1 ms of
 * host CPU per sequence: a 256-sequence server 4× faster than life, so a run lasts a minute and
 * a half. (On a 64-sequence server its 32-wide requests, admitted whole, could not pack.)
 */
const MODE_SERVERS: Readonly<Record<string, SimServerDefaults>> = {
  greedy: { maxNumSeqs: 64, timeScale: 1 },
  system2: { maxNumSeqs: 256, timeScale: 0.25 },
};
/** Enough problems to outlast warm-up and window at the default settings. */
const MODE_PROBLEMS: Readonly<Record<string, number>> = { greedy: 768, system2: 24 };
/** Modes not named above are sized like System 2: they sample n-wide too. */
const OTHERWISE = 'system2';

const byMode = <T>(table: Readonly<Record<string, T>>, mode: string): T =>
  (table[mode] ?? table[OTHERWISE])!;

const listed = (pick: (mode: string) => number): string =>
  `${Object.keys(MODE_SERVERS)
    .map((m) => `${m}:${pick(m)}`)
    .join(',')}; other modes as ${OTHERWISE}`;

export const EVAL_THROUGHPUT_FLAGS: Record<string, string> = {
  configs:
    'eval worker settings: WORKERS:JOBS:UNITS_IN_FLIGHT:SHARD_SIZE, comma-separated (default 1:2:64:16: ' +
    "the worker's --concurrency and --problems-in-flight, eval's --shard-size)",
  modes: 'test-time modes, one evaluation each, comma-separated (default greedy,system2)',
  problems: `synth-heldout problems per evaluation, N or MODE:N,... (default ${listed((m) => byMode(MODE_PROBLEMS, m))})`,
  runs: 'runs per problem of every mode but greedy (default 4; rStar 64)',
  candidates: "System 2 candidates per expansion (default 32, rStar's)",
  rollouts: "System 2 rollouts per run (default 12, rStar's)",
  'max-tokens': "max tokens per step (the plan's sampling.maxTokens; default 512)",
  ...simServerFlags(MODE_SERVERS[OTHERWISE]!),
  'max-num-seqs': `simulated server batch, N or MODE:N,... (default ${listed((m) => byMode(MODE_SERVERS, m).maxNumSeqs)})`,
  'time-scale': `wall ms per simulated ms, N or MODE:N,... (default ${listed((m) => byMode(MODE_SERVERS, m).timeScale)}); rates are per simulated second`,
  'warmup-s': 'wall seconds after the evaluation started before the window (default 10)',
  'window-s': 'wall seconds of the measured steady window (default 30)',
  'search-configs':
    "the same-run baseline on each mode's server: search at WORKERS:JOBS:PROBLEMS_IN_FLIGHT:TREE_CONCURRENCY " +
    'as in fleet-saturation (default 1:2:64:4; 16 rollouts × 8 candidates, 2048 problems)',
  'eval-timeout-s': 'longest an evaluation may take, start to report (default 1800)',
  'sandbox-workers': 'sandbox fork-servers (default: cores)',
  'worker-args':
    "more `rstar-fleet worker` arguments for every worker, space-separated: --worker-args='--x=1 --y=2'",
  'eval-args': "more `rstar-fleet eval` arguments, space-separated: --eval-args='--x=1'",
};

interface EvalConfig {
  workers: Config;
  shardSize: number;
}

function parseEvalConfigs(flags: BenchFlags): EvalConfig[] {
  // WORKERS:JOBS:UNITS:SHARD_SIZE read as fleet-saturation's four numbers: an eval run has no
  // worker tree concurrency (its MCTS concurrency is the evaluation's), so the fourth is the
  // eval's shard size and the workers keep their default of 1.
  return parseConfigs(flags, 'configs', '1:2:64:16').map((c) => ({
    workers: { workers: c.workers, settings: { ...c.settings, treeConcurrency: 1 } },
    shardSize: c.settings.treeConcurrency,
  }));
}

function parseModes(flags: BenchFlags): TestTimeMode[] {
  const modes = (flags.modes ?? 'greedy,system2').split(',').map((m) => m.trim());
  const bad = modes.find((m) => !(TEST_TIME_MODES as readonly string[]).includes(m));
  if (bad !== undefined) {
    throw new InvalidInputError(`unknown mode ${bad}; expected ${TEST_TIME_MODES.join(', ')}`, {
      field: '--modes',
    });
  }
  return modes as TestTimeMode[];
}

/** A flag given for every mode (`N`) or per mode (`MODE:N,...`): the text each mode was given. */
function perMode(
  flags: BenchFlags,
  name: string,
  modes: readonly TestTimeMode[],
): Map<TestTimeMode, string | undefined> {
  const raw = flags[name];
  if (raw === undefined || !raw.includes(':')) return new Map(modes.map((m) => [m, raw?.trim()]));
  const byMode = new Map<string, string>();
  for (const item of raw.split(',')) {
    const [mode, value, ...rest] = item.split(':').map((v) => v.trim());
    if (mode === undefined || value === undefined || value === '' || rest.length > 0) {
      throw new InvalidInputError(`expected N or MODE:N items, got ${item}`, {
        field: `--${name}`,
      });
    }
    byMode.set(mode, value);
  }
  return new Map(modes.map((m) => [m, byMode.get(m)]));
}

interface EvalSettings {
  runs: number;
  candidates: number;
  rollouts: number;
  extraArgs: readonly string[];
}

const EVAL_RUNS = 'rstar_worker_eval_runs_total';

/** The eval command's line once its shards are enqueued (eval-run.ts). */
const evalStarted = (line: string): Record<string, unknown> | null =>
  /^eval: (started|resuming) evaluation/.test(line) ? {} : null;

interface EvalMeasurement {
  window: SteadyWindow;
  /** The evaluation ended before the window did (too few problems for a steady window). */
  drained: boolean;
  whole: SimSpan;
  runsWritten: number;
}

/**
 * One evaluation of `problems` held-out problems under `mode`, through `rstar-fleet eval` and the
 * running workers; the window starts `warmupMs` after its shards are enqueued.
 */
async function measureEvaluation(
  cluster: Cluster,
  workers: readonly ServiceProcess[],
  options: {
    run: string;
    mode: TestTimeMode;
    problems: number;
    shardSize: number;
    eval: EvalSettings;
    warmupMs: number;
    windowMs: number;
    timeoutMs: number;
    clock: SimClock;
  },
): Promise<EvalMeasurement> {
  const { mode } = options;
  const runs0 = (await workerTotals(workers, [EVAL_RUNS]))[EVAL_RUNS] ?? 0;
  const start = await readSim(cluster.simUrl);
  const command = await startService(
    `eval-${mode}`,
    [
      'eval',
      `--plan=${cluster.planPath}`,
      `--run=${options.run}`,
      '--round=0',
      `--name=${mode}`,
      '--benchmark=synth-heldout',
      `--synth-count=${options.problems}`,
      `--modes=${mode}`,
      `--runs=${options.eval.runs}`,
      `--candidates=${options.eval.candidates}`,
      `--rollouts=${options.eval.rollouts}`,
      `--shard-size=${options.shardSize}`,
      '--poll-ms=500',
      '--no-progress',
      '--json',
      ...options.eval.extraArgs,
    ],
    evalStarted,
  );
  let exited = false;
  const exit = command.exited.then((e) => {
    exited = true;
    return e;
  });
  try {
    await Promise.race([exit, new Promise((r) => setTimeout(r, options.warmupMs))]);
    const window = await measureWindow(cluster, workers, options.windowMs, options.clock, [
      EVAL_RUNS,
    ]);
    const drained = exited;
    const ended = await Promise.race([
      exit,
      new Promise<null>((r) => setTimeout(() => r(null), options.timeoutMs).unref()),
    ]);
    if (ended === null) {
      throw new Error(`evaluation ${mode} unfinished after ${options.timeoutMs / 1000} s`);
    }
    if (ended.code !== 0) {
      throw new Error(
        `rstar-fleet eval (${mode}) exited ${ended.code ?? ended.signal}: ${command.logs.slice(-10).join('\n')}`,
      );
    }
    const end = await readSim(cluster.simUrl);
    const runsWritten = ((await workerTotals(workers, [EVAL_RUNS]))[EVAL_RUNS] ?? 0) - runs0;
    return {
      window,
      drained,
      whole: simSpan(start, end, options.clock),
      runsWritten,
    };
  } finally {
    if (!exited) await command.stop(5_000);
  }
}

/** The flags as one mode sees them: the server size and speed given for it, if any. */
function modeFlags(
  flags: BenchFlags,
  mode: TestTimeMode,
  servers: Record<'max-num-seqs' | 'time-scale', Map<TestTimeMode, string | undefined>>,
): BenchFlags {
  const own: Record<string, string> = { ...flags };
  for (const [name, values] of Object.entries(servers)) {
    const value = values.get(mode);
    if (value === undefined) delete own[name];
    else own[name] = value;
  }
  return own;
}

export async function benchEvalThroughput(flags: BenchFlags = {}): Promise<BenchResult> {
  const cores = availableParallelism();
  const load0 = loadavg()[0]!;
  const configs = parseEvalConfigs(flags);
  const modes = parseModes(flags);
  const problems = new Map(
    [...perMode(flags, 'problems', modes)].map(([mode, n]) => [
      mode,
      n === undefined ? byMode(MODE_PROBLEMS, mode) : intFlag({ problems: n }, 'problems', 1),
    ]),
  );
  const servers = {
    'max-num-seqs': perMode(flags, 'max-num-seqs', modes),
    'time-scale': perMode(flags, 'time-scale', modes),
  };
  const maxTokens = intFlag(flags, 'max-tokens', 512);
  const evalSettings: EvalSettings = {
    runs: intFlag(flags, 'runs', 4),
    candidates: intFlag(flags, 'candidates', 32),
    rollouts: intFlag(flags, 'rollouts', 12),
    extraArgs: (flags['eval-args'] ?? '').split(/\s+/).filter((a) => a !== ''),
  };
  const runsOf = (mode: TestTimeMode): number => (mode === 'greedy' ? 1 : evalSettings.runs);
  const warmupMs = 1000 * numberFlag(flags, 'warmup-s', 10, 0);
  const windowMs = 1000 * numberFlag(flags, 'window-s', 30, 1);
  const timeoutMs = 1000 * numberFlag(flags, 'eval-timeout-s', 1800, 1);
  const searchConfigs = parseConfigs(flags, 'search-configs', '1:2:64:4');
  const search: SearchSettings = {
    rollouts: 16,
    candidates: 8,
    maxDepth: 16,
    c: 2,
    qRule: 'terminal',
    seed: 3,
    maxTokens,
    temperature: 0.7,
  };
  const metrics: Record<string, number> = {};
  const notes: string[] = [
    `${cores} cores; a simulated server per mode (its requests hold n sequences, each freed when its own choice ends, a request admitted when all n fit)`,
    `evaluations: rstar-fleet eval --round 0 (sim-policy-r0, sim-ppm-r0) --benchmark synth-heldout, one per mode (${modes.map((m) => `${m} ${problems.get(m)} problems × ${runsOf(m)} run(s)`).join(', ')}); System 2 ${evalSettings.candidates} candidates × ${evalSettings.rollouts} rollouts; max ${maxTokens} tokens per step${evalSettings.extraArgs.length === 0 ? '' : `; eval arguments ${evalSettings.extraArgs.join(' ')}`}`,
    `window ${windowMs / 1000} wall s after ${warmupMs / 1000} wall s of warm-up; "whole" = from the eval command's start to its report (the tail, where the last shards run alone, included); rates per simulated second or hour`,
    'config = workers × eval shard jobs per worker (--concurrency) × units in flight per job (--problems-in-flight; a unit = one run of one problem) × problems per eval shard (--shard-size)',
    `baseline on each mode's server: search (round shards; MCTS 16 rollouts × 8 candidates, terminal Q, max ${maxTokens} tokens per step; 2048 problems in shards of 128) at fleet-saturation's setting`,
    ...(flags['worker-args'] === undefined ? [] : [`worker arguments: ${flags['worker-args']}`]),
  ];
  for (const mode of modes) {
    const server = simServerFromFlags(modeFlags(flags, mode, servers), byMode(MODE_SERVERS, mode));
    notes.push(`${mode}: simulated server ${server.description}`);
    const cluster = await startCluster({
      sandboxWorkers: intFlag(flags, 'sandbox-workers', cores),
      maxTokens,
      ...server.cluster,
    });
    try {
      for (const [i, config] of searchConfigs.entries()) {
        const key = `${mode}'s server: search ${configKey(config)}`;
        process.stderr.write(`bench: eval-throughput ${key}...\n`);
        const { window, drained } = await measureSearchWindow(cluster, config, {
          run: `eval-baseline-${i}`,
          problems: synthProblems(2048, 21, i * 2048),
          shardSize: 128,
          search,
          warmupMs,
          windowMs,
          clock: server.clock,
        });
        Object.assign(metrics, windowMetrics(key, window));
        if (drained) notes.push(`${key}: every shard finished inside the window`);
      }
      const baseline =
        metrics[`${mode}'s server: search ${configKey(searchConfigs[0]!)}: server busy share`];
      for (const [i, config] of configs.entries()) {
        const { settings } = config.workers;
        const key = `eval ${mode} ${config.workers.workers}w × ${settings.concurrency}j × ${settings.problemsInFlight}u × ${config.shardSize}s`;
        process.stderr.write(`bench: eval-throughput ${key}...\n`);
        const workers = await cluster.startWorkers(config.workers.workers, settings);
        try {
          const count = problems.get(mode)!;
          const m = await measureEvaluation(cluster, workers, {
            run: `eval-bench-${i}`,
            mode,
            problems: count,
            shardSize: config.shardSize,
            eval: evalSettings,
            warmupMs,
            windowMs,
            timeoutMs,
            clock: server.clock,
          });
          const windowRuns = m.window.counters[EVAL_RUNS] ?? 0;
          // Server time a problem costs, from the exact integral over the whole evaluation: with
          // the window's mean running sequences it gives the steady rate even where no run ends
          // inside the window (a System 2 run outlasts it).
          const seqSecondsPerProblem = (m.whole.meanRunning * m.whole.seconds) / count;
          metrics[`${key}: server busy share (window)`] = m.window.busyShare;
          metrics[`${key}: server busy share (whole)`] = m.whole.busyShare;
          if (baseline !== undefined) {
            metrics[`${key}: busy share (window) ÷ search baseline`] =
              m.window.busyShare / baseline;
          }
          metrics[`${key}: problems per hour (window's busy share)`] =
            (m.window.meanRunning / seqSecondsPerProblem) * 3600;
          metrics[`${key}: problems per hour (window, runs ended in it)`] =
            (windowRuns / runsOf(mode) / m.window.seconds) * 3600;
          metrics[`${key}: problems per hour (whole)`] = (count / m.whole.seconds) * 3600;
          metrics[`${key}: busy sequence-seconds per problem`] = seqSecondsPerProblem;
          metrics[`${key}: evaluation seconds (whole, simulated)`] = m.whole.seconds;
          metrics[`${key}: evaluation seconds (whole, wall)`] = m.whole.wallSeconds;
          Object.assign(metrics, windowMetrics(key, m.window));
          if (m.runsWritten !== count * runsOf(mode)) {
            notes.push(
              `${key}: ${m.runsWritten} eval runs written for ${count * runsOf(mode)} expected`,
            );
          }
          if (m.drained) {
            notes.push(`${key}: the evaluation ended inside the window; raise --problems`);
          }
        } finally {
          await Promise.allSettled(workers.map((w) => w.stop(5_000)));
        }
        await awaitSimIdle(cluster.simUrl);
      }
    } finally {
      await cluster.stop();
    }
  }
  // Other jobs on a shared host take the CPU the fleet needs to keep up: say how busy it was.
  notes.push(
    `host load average (1 min) at the start ${load0.toFixed(1)}, at the end ${loadavg()[0]!.toFixed(1)}`,
  );
  return {
    name: 'eval-throughput',
    description:
      "Evaluation through the fleet (rstar-fleet eval, eval shards on the workers' queue): share of a " +
      "simulated GPU server's capacity kept busy and problems evaluated per hour, per mode, against " +
      'search on the same server in the same run.',
    metrics,
    notes,
  };
}
