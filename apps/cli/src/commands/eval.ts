import { Command, InvalidArgumentError, Option } from 'commander';
import { BENCHMARK_NAMES } from '@rstar-fleet/corpus/benchmark-names';
import type { CliIO } from '../cli-io';
import {
  EVAL_SOURCE_DEFAULTS,
  addEvalSourceOptions,
  wholeNumber,
  type EvalSourceFlags,
} from '../eval-source-flags';
import type { ModelFlags } from '../model-flags';
import { addModelOptions } from '../model-options';

/**
 * Defaults shown in --help. They are applied elsewhere, once (compileEvaluate's EVALUATE_DEFAULTS,
 * TEST_TIME_DEFAULTS; the evaluation names are EVAL_NAMES); written here so that defining the
 * command loads none of those packages, and eval.test.ts checks they agree.
 */
export const EVAL_HELP_DEFAULTS = {
  modes: 'greedy,system2',
  runs: 64,
  seed: 0,
  shardSize: 16,
  maxFailedShare: 0,
  temperature: 1,
  name: 'eval',
  customName: 'custom',
  candidates: 32,
  rollouts: 12,
  maxDepth: 16,
  topK: 4,
  ...EVAL_SOURCE_DEFAULTS,
  probeTimeoutMs: 5000,
  pollMs: 1000,
} as const;

const D = EVAL_HELP_DEFAULTS;

const HELP_AFTER = `
Evaluates a round's models on benchmarks through the fleet (DESIGN §10): the problems go into
eval shard files, the fleet's rollout workers answer them (\`rstar-fleet worker --plan FILE\`
must be running, with the run's Redis), one record per (benchmark, mode, problem, seed) written
exactly once, and the report — accuracy with its interval, pass@1 ± SE over seeds, maj@k and
best@k curves, tokens and calls per problem — is written beside the round
(runs/<run>/round-<R>/eval/<name>/report.{json,md,svg}) and printed (Markdown, or JSON with --json).

Resumable: the same command again continues where it stopped and never recounts a run. An
evaluation of the same --name and round with other settings is refused, naming what differs.
A running \`rstar-fleet run\` of the same run may write the report instead (either can).

Models: --round R evaluates the models round R deployed (default: the newest deployed; 0: the
plan's round-1 models, before any training). --policy URL --policy-model NAME [--ppm URL
--ppm-model NAME] evaluates other servers instead (stored under --round, default 0, named
"${D.customName}" unless --name). The fleet's sandbox is the plan's. Before anything is enqueued the
policy, the PPM (modes that score with it) and the sandbox are probed (--probe-timeout-ms): one
that cannot be reached fails at once, naming it (exit 69); --no-probe when this machine cannot
reach the cluster's servers.

Benchmarks: --benchmark NAME (repeatable: ${BENCHMARK_NAMES.join(', ')}) from --benchmarks-dir,
synth-heldout being the synthetic family's held-out split (--synth-seed, --synth-count), or
--file PATH (JSONL/Parquet through the corpus adapters, --adapter). Without either, the plan's
evaluate: section decides every setting. Rows that cannot be read, and rows without an answer
(refused), are listed with file:line, counted as skipped in the report, and the rest evaluated.

Modes (--modes, comma-separated; default ${D.modes}): greedy (the policy alone, pass@1, one run),
system2 (rStar-Math's System 2: MCTS with the PPM, --runs runs, the two-stage answer), maj,
best-of-n, beam. --runs applies to every mode but greedy (default ${D.runs}, rStar's headline; its
cheaper setting is 8). Run k of every problem uses seed --seed + k. --sample N evaluates a seeded
sample of N problems per benchmark (the same ones for the same seed).

--report: no Redis, no workers: recounts the report of --name (and --round) from the stored
records alone, prints it and rewrites the report files; exits non-zero if records are missing.

Examples:
  $ rstar-fleet eval --plan examples/local-sim.yaml --benchmark synth-heldout --sample 50 --runs 8
  $ rstar-fleet eval --plan plan.yaml --round 2 --benchmark gsm8k --benchmark minerva_math --json
  $ rstar-fleet eval --plan plan.yaml --round 0 --modes greedy --file data/my-bench.parquet
  $ rstar-fleet eval --plan plan.yaml --round 2 --report
`;

export interface EvalFlags extends ModelFlags, EvalSourceFlags {
  plan: string;
  run?: string;
  round?: number;
  benchmark: string[];
  file: string[];
  adapter: string;
  modes?: string[];
  runs?: number;
  sample?: number;
  seed?: number;
  name?: string;
  shardSize?: number;
  maxFailedShare?: number;
  candidates?: number;
  rollouts?: number;
  maxDepth?: number;
  topK?: number;
  vote?: string;
  concurrentRuns?: number;
  temperature?: number;
  probe: boolean;
  probeTimeoutMs: number;
  progress: boolean;
  pollMs: number;
  report: boolean;
  json: boolean;
}

function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError('expected a number in [0, 1]');
  }
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a number ≥ 0');
  }
  return n;
}

function modes(value: string): string[] {
  const list = value.split(',').map((m) => m.trim());
  const known = ['system2', 'greedy', 'maj', 'best-of-n', 'beam'];
  const bad = list.find((m) => !known.includes(m));
  if (bad !== undefined) {
    throw new InvalidArgumentError(`unknown mode "${bad}"; expected ${known.join(', ')}`);
  }
  return list;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function benchmark(value: string, previous: string[]): string[] {
  if (!BENCHMARK_NAMES.includes(value)) {
    throw new InvalidArgumentError(`expected one of ${BENCHMARK_NAMES.join(', ')}`);
  }
  return collect(value, previous);
}

/** `rstar-fleet eval`: a round's models on benchmarks, through the fleet; or `--report` alone. */
export function evalCommand(io: CliIO): Command {
  const command = new Command('eval')
    .description("evaluate a round's models on benchmarks through the fleet (greedy, System 2)")
    .requiredOption('--plan <FILE>', "the run plan: its Redis, store, sandbox and run's models")
    .option('--run <ID>', 'run id (default: the plan name and a hash of the plan text)')
    .option(
      '--round <R>',
      "whose models: round R's deployed ones, 0 = the plan's starting models (default: the newest deployed)",
      wholeNumber(0),
    );
  const withModels = addModelOptions(command, {
    policy: "policy server to evaluate instead of the run's",
    ppm: 'PPM server (with --policy)',
  })
    .option(
      '--benchmark <NAME>',
      `a benchmark by name (repeatable): ${BENCHMARK_NAMES.join(', ')}`,
      benchmark,
      [],
    )
    .option('-f, --file <PATH>', 'a benchmark file, JSONL or Parquet (repeatable)', collect, [])
    .option('--adapter <name>', 'corpus adapter of --file', 'auto')
    // --benchmarks-dir, --synth-seed, --synth-count: addEvalSourceOptions below.
    .option('--modes <LIST>', `test-time modes, comma-separated (default ${D.modes})`, modes)
    .option(
      '--runs <N>',
      `runs per problem, every mode but greedy (default ${D.runs})`,
      wholeNumber(1),
    )
    .option(
      '--sample <N>',
      'a seeded sample of N problems per benchmark (default all)',
      wholeNumber(1),
    )
    .option(
      '--seed <S>',
      `seed of the sample and of run 0 (run k: S + k; default ${D.seed})`,
      wholeNumber(0),
    )
    .option(
      '--name <NAME>',
      `the evaluation's name (default ${D.name}; ${D.customName} with --policy)`,
    )
    .option(
      '--shard-size <N>',
      `problems per eval shard job (default ${D.shardSize})`,
      wholeNumber(1),
    )
    .option(
      '--max-failed-share <X>',
      `share of eval shards that may fail for good, still reporting (default ${D.maxFailedShare})`,
      share,
    )
    .option(
      '--candidates <N>',
      `System 2 candidates per expansion (default ${D.candidates})`,
      wholeNumber(1),
    )
    .option(
      '--rollouts <N>',
      `System 2 MCTS rollouts per run (default ${D.rollouts})`,
      wholeNumber(1),
    )
    .option('--max-depth <N>', `steps per solution at most (default ${D.maxDepth})`, wholeNumber(1))
    .option('--top-k <K>', `runs kept for the final vote (default ${D.topK})`, wholeNumber(1))
    .addOption(
      new Option('--vote <rule>', 'final vote (default plain)').choices(['plain', 'weighted']),
    )
    .option(
      '--concurrent-runs <N>',
      'runs of a problem in flight on a worker (default 4)',
      wholeNumber(1),
    )
    .option(
      '--temperature <T>',
      `sampling temperature (greedy decodes at 0; default ${D.temperature}, rStar's eval)`,
      nonNegative,
    )
    .option('--no-probe', 'do not probe the servers first (they are not reachable from here)')
    .option(
      '--probe-timeout-ms <MS>',
      'deadline of each server probe',
      wholeNumber(1),
      D.probeTimeoutMs,
    )
    .option('--no-progress', 'no progress line on stderr')
    .option('--poll-ms <MS>', 'how often progress is read', wholeNumber(50), D.pollMs)
    .option('--report', 'recount the report from the stored records alone (no Redis)', false)
    .option('--json', 'print the report as JSON', false)
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .action(async function (this: Command, flags: EvalFlags) {
      if (flags.policy !== undefined && flags.policyModel === undefined) {
        this.error('error: --policy needs --policy-model');
      }
      if (flags.ppm !== undefined && (flags.policy === undefined || flags.ppmModel === undefined)) {
        this.error('error: --ppm needs --policy and --ppm-model');
      }
      const { runEval } = await import('./eval-run.js');
      await runEval(flags, io);
    });
  return addEvalSourceOptions(withModels);
}
