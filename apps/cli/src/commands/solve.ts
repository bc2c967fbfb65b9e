import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIO } from '../cli-io';
import type { ModelFlags } from '../model-flags';
import { addModelOptions } from '../model-options';

const HELP_AFTER = `
Answers math problems at test time with the trained policy and PPM (DESIGN §10), through the
same clients, sandbox and engine the rollout workers use. No reference answer reaches the search.

Problems: PROBLEM as an argument, or '-' / nothing to read one problem from stdin, or --file with
a corpus file (JSONL or Parquet, read through the corpus adapters like \`run\`: its answers are
graded against the chosen answer and reported as "correct"; rejected rows are listed on stderr
with file:line). Progress goes to stderr for more than one problem.

Models: --plan uses the newest models the plan's run deployed (the last round whose deploy hook
succeeded, resolved like the next round's manifest), else the plan's round-1 models, and the
plan's sandbox addresses; or give --policy URL --policy-model NAME [--ppm URL --ppm-model NAME]
and --sandbox ADDR. Every server is probed first (GET /health, gRPC health) with
--probe-timeout-ms: an unreachable one fails the command at once, naming it (exit 69).

Modes (same runs budget, to compare what search and PPM add):
  system2    rStar-Math's System 2 (default): --runs MCTS runs of --candidates x --rollouts
             (rStar sft_eval_mcts: 32 x 12), the PPM scoring every node, answers included; each
             run's highest-PPM answer; the final answer is the --vote majority over the
             --top-k highest-scored (rStar eval_maj: 4), answers compared by the grader
  greedy     the policy alone at temperature 0, one solution (pass@1)
  maj        --runs sampled solutions, plain majority (maj@k)
  best-of-n  --runs sampled solutions, the highest-PPM answer
  beam       --runs step beam searches ranked by the PPM (beam 8, 8 candidates), chosen as system2

--runs defaults to 64, the paper's System-2 setting; --runs 8 is its cheaper one. Run r uses
seed --seed + r. Sampling is at --temperature (default 1.0, rStar's eval), greedy at 0.

Examples:
  $ rstar-fleet solve --plan examples/local-sim.yaml 'What is 3 + 4 * 5?'
  $ rstar-fleet solve --policy http://127.0.0.1:8000 --policy-model sim-policy-r0 \\
      --ppm http://127.0.0.1:8000 --ppm-model sim-ppm-r0 --sandbox 127.0.0.1:50051 \\
      --runs 8 --file data/synth-1000.jsonl --json > answers.jsonl
  $ echo 'Compute 2^10 - 1.' | rstar-fleet solve --plan plan.yaml --mode greedy
`;

export interface SolveFlags extends ModelFlags {
  file?: string;
  adapter: string;
  plan?: string;
  run?: string;
  sandbox?: string;
  mode: string;
  runs?: number;
  seed?: number;
  topK?: number;
  vote?: string;
  candidates?: number;
  rollouts?: number;
  maxDepth?: number;
  beamWidth?: number;
  concurrentRuns?: number;
  temperature: number;
  maxTokens?: number;
  probeTimeoutMs: number;
  json?: boolean;
  tree?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

function temperature(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** `rstar-fleet solve`: test-time search of one problem (or a file of them). */
export function solveCommand(io: CliIO): Command {
  const command = new Command('solve')
    .description('answer a problem with the policy and PPM: System-2 search, or a baseline mode')
    .argument('[PROBLEM]', "the problem text ('-' or nothing: read it from stdin)")
    .option('-f, --file <corpus>', 'solve every problem of a corpus file (JSONL/Parquet)')
    .option('--adapter <name>', 'corpus adapter for --file', 'auto')
    .option('--plan <FILE>', "the run plan: its run's newest deployed models, its sandbox")
    .option('--run <ID>', 'run id with --plan (default: the plan name and a hash of its text)');
  return addModelOptions(command, {
    policy: 'policy server (instead of --plan)',
    ppm: 'PPM server (instead of --plan)',
  })
    .option('--sandbox <ADDR>', "sandbox gRPC address (default: the plan's, else 127.0.0.1:50051)")
    .addOption(
      new Option('--mode <mode>', 'test-time search')
        .choices(['system2', 'greedy', 'maj', 'best-of-n', 'beam'])
        .default('system2'),
    )
    .option('--runs <N>', 'independent runs per problem (default 64)', positiveInt)
    .option('--seed <S>', 'seed of run 0; run r uses S + r (default 0)', nonNegativeInt)
    .option('--top-k <K>', 'runs kept for the final vote (default 4)', positiveInt)
    .addOption(
      new Option('--vote <rule>', 'final vote (default plain)').choices(['plain', 'weighted']),
    )
    .option('--candidates <N>', 'candidates per expansion (default 32; beam 8)', positiveInt)
    .option('--rollouts <N>', 'MCTS rollouts per run (default 12)', positiveInt)
    .option('--max-depth <N>', 'steps per solution at most (default 16)', positiveInt)
    .option('--beam-width <N>', 'beam width (default 8)', positiveInt)
    .option('--concurrent-runs <N>', 'runs of a problem in flight at once (default 4)', positiveInt)
    .option('--temperature <T>', 'sampling temperature (greedy: 0)', temperature, 1)
    .option(
      '--max-tokens <N>',
      "tokens per step at most (default: the plan's, else 2048)",
      positiveInt,
    )
    .option('--probe-timeout-ms <MS>', 'deadline of each dependency probe', positiveInt, 5000)
    .option('--json', 'print one JSON record per problem', false)
    .option('--tree <FILE>', "write every run's search tree (JSONL, one record per run)")
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .action(async function (this: Command, problem: string | undefined, flags: SolveFlags) {
      if (flags.file !== undefined && problem !== undefined) {
        this.error('error: give either PROBLEM or --file, not both');
      }
      if ((flags.plan === undefined) === (flags.policy === undefined)) {
        this.error('error: give --plan, or --policy URL (with --policy-model), not both');
      }
      const { runSolve } = await import('./solve-run.js');
      await runSolve(problem, flags, io);
    });
}
