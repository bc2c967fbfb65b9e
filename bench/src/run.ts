import { formatBenchResult, type BenchResult } from './bench-result';
import { parseBenchArgs, type BenchFlags } from './bench-flags';
import { benchCorpus } from './corpus';
import { runGraderBench } from './grader';
import { benchMctsOverhead } from './mcts';
import { benchSearchModes } from './search-modes';
import { benchModelSimRounds } from './model-sim-rounds';
import { benchSandbox } from './sandbox';
import { benchFleetOverhead, FLEET_OVERHEAD_FLAGS } from './fleet-overhead';
import { benchFleetSaturation, FLEET_SATURATION_FLAGS } from './fleet-saturation';
import { benchFleetIngest, FLEET_INGEST_FLAGS } from './fleet-ingest';
import { benchCliStartup, CLI_STARTUP_FLAGS } from './cli-startup';
import { benchGpuEfficiency, GPU_EFFICIENCY_FLAGS } from './gpu-efficiency';
import { benchEvalThroughput, EVAL_THROUGHPUT_FLAGS } from './eval-throughput';

/**
 * `npm run bench [-- NAME... [--flag value]...]`: runs the named benchmarks (all by default),
 * prints a table per benchmark and writes the results as JSON to stdout's last line for tooling.
 * Flags size the benchmarks that declare them (`npm run bench -- --help` lists them).
 * Each benchmark module registers here; benchmarks are never timed tests.
 */
interface BenchEntry {
  run: (flags: BenchFlags) => Promise<BenchResult>;
  /** Flag name → help text. */
  flags?: Record<string, string>;
  /** Left out of a run of all benchmarks (needs services or minutes); run it by name. */
  onlyByName?: boolean;
}

// Each benchmark module adds its entry here.
const BENCHES: Record<string, BenchEntry> = {
  'mcts-engine-overhead': { run: () => benchMctsOverhead() },
  'search-modes': { run: () => benchSearchModes() },
  'grader-throughput': { run: () => runGraderBench() },
  'sandbox-throughput': { run: () => benchSandbox() },
  'corpus-streaming': { run: () => benchCorpus() },
  'model-sim-rounds': { run: () => benchModelSimRounds() },
  'cli-startup': { run: benchCliStartup, flags: CLI_STARTUP_FLAGS },
  'fleet-overhead': { run: benchFleetOverhead, flags: FLEET_OVERHEAD_FLAGS, onlyByName: true },
  'fleet-saturation': {
    run: benchFleetSaturation,
    flags: FLEET_SATURATION_FLAGS,
    onlyByName: true,
  },
  'fleet-ingest': { run: benchFleetIngest, flags: FLEET_INGEST_FLAGS, onlyByName: true },
  'gpu-efficiency': { run: benchGpuEfficiency, flags: GPU_EFFICIENCY_FLAGS, onlyByName: true },
  'eval-throughput': {
    run: benchEvalThroughput,
    flags: EVAL_THROUGHPUT_FLAGS,
    onlyByName: true,
  },
};

function usage(): string {
  const lines = ['usage: npm run bench -- [NAME...] [--flag value...]', '', 'benchmarks:'];
  for (const [name, entry] of Object.entries(BENCHES)) {
    lines.push(`  ${name}${entry.onlyByName === true ? '  (only when named)' : ''}`);
    for (const [flag, help] of Object.entries(entry.flags ?? {})) {
      lines.push(`      --${flag.padEnd(20)} ${help}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { names, flags } = parseBenchArgs(argv);
  if (flags.help !== undefined) {
    process.stdout.write(usage());
    return 0;
  }
  const wanted =
    names.length > 0 ? names : Object.keys(BENCHES).filter((n) => BENCHES[n]?.onlyByName !== true);
  const unknown = wanted.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`,
    );
    return 64;
  }
  const known = new Set(wanted.flatMap((n) => Object.keys(BENCHES[n]?.flags ?? {})));
  const stray = Object.keys(flags).filter((f) => !known.has(f));
  if (stray.length > 0) {
    process.stderr.write(
      `bench: flag(s) ${stray.map((f) => `--${f}`).join(', ')} not used by ${wanted.join(', ')}\n${usage()}`,
    );
    return 64;
  }
  const results: BenchResult[] = [];
  for (const name of wanted) {
    process.stderr.write(`bench: running ${name}...\n`);
    const entry = BENCHES[name];
    if (entry === undefined) continue;
    const result = await entry.run(flags);
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
