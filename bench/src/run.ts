import { formatBenchResult, type BenchResult } from './bench-result';
import { benchCorpus } from './corpus';
import { runGraderBench } from './grader';
import { benchMctsOverhead } from './mcts';
import { benchSearchModes } from './search-modes';
import { benchModelSimRounds } from './model-sim-rounds';
import { benchSandbox } from './sandbox';

/**
 * `npm run bench [-- NAME...]`: runs the named benchmarks (all by default), prints a table per
 * benchmark and writes the results as JSON to stdout's last line for tooling.
 * Each benchmark module registers here; benchmarks are never timed tests.
 */
// Each benchmark module adds its entry here: name → function returning a BenchResult.
const BENCHES: Record<string, () => Promise<BenchResult>> = {
  'mcts-engine-overhead': () => benchMctsOverhead(),
  'search-modes': () => benchSearchModes(),
  'grader-throughput': () => runGraderBench(),
  'sandbox-throughput': () => benchSandbox(),
  'corpus-streaming': () => benchCorpus(),
  'model-sim-rounds': () => benchModelSimRounds(),
};

async function main(argv: string[]): Promise<number> {
  const wanted = argv.length > 0 ? argv : Object.keys(BENCHES);
  const unknown = wanted.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`,
    );
    return 64;
  }
  const results: BenchResult[] = [];
  for (const name of wanted) {
    process.stderr.write(`bench: running ${name}...\n`);
    const run = BENCHES[name];
    if (run === undefined) continue;
    const result = await run();
    results.push(result);
    process.stdout.write(`${formatBenchResult(result)}\n\n`);
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 70;
    },
  );
}
