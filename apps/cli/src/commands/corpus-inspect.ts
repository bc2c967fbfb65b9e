import { Command, InvalidArgumentError, Option } from 'commander';
import type { BenchmarkStream, CorpusStats } from '@rstar-fleet/corpus';
import { ADAPTER_NAMES } from '@rstar-fleet/corpus/adapters';
import { BENCHMARK_NAMES } from '@rstar-fleet/corpus/benchmark-names';
import { JSON_ARRAY_HINT, emptyCorpusError } from '@rstar-fleet/corpus/empty';
import { REJECT_REASONS } from '@rstar-fleet/corpus/reject';
import { BENCHMARKS_DIR_ENV, DEFAULT_BENCHMARKS_DIR } from '../benchmarks-dir';
import type { CliIO } from '../cli-io';

const HELP_AFTER = `
Streams FILE (JSONL, or Parquet as shipped on the Hugging Face hub) through the corpus adapters
exactly as ingestion would, and reports: rows read, records accepted, counts by source,
duplicates (same normalised problem text, or same id) and rejects by reason with their first
locations (FILE:LINE, field). Memory stays flat whatever the file size. Rejects do not change the
exit code; a missing file (66), an unknown layout, a named adapter that does not fit or a file
with no valid problem at all (65; ingest would stop on it too) do. A JSONL file that starts with
"[" is named as a JSON array, not JSONL. Lines that are not valid UTF-8 are rejected
(invalid-utf8), never repaired.

Adapters (chosen from the first 64 rows unless named):
  numina    problem, solution (last \\boxed{}), source          NuminaMath-CoT/-TIR
  metamath  query, response ("The answer is: X")                MetaMathQA
  gsm8k     question, answer (after ####, no thousands commas)  GSM8K
  plain     id?, problem, answer (string or number)             ours, AIME 2024, AMC 2023
  math      problem, solution (last \\boxed{})                   MATH, Minerva math
  qa        question, answer                                    Gaokao 2023 EN

Benchmarks by name (--benchmark NAME instead of FILE): aime24, amc23, gaokao2023en, gsm8k and
minerva_math are read from --benchmarks-dir (default: the checkout's sibling
shared/data/benchmarks, or $RSTAR_BENCHMARKS_DIR) with the adapter each one needs; a row without
an answer is rejected with its FILE:LINE and counted, the rest are read. synth-heldout is the
synthetic family's held-out split: --count problems for --seed (the training corpus's seed),
never among the problems \`corpus synth\` or the demo train on.

Examples:
  $ rstar-fleet corpus inspect data/numina-cot.parquet
  $ rstar-fleet corpus inspect --adapter math --json minerva_math-test.jsonl
  $ rstar-fleet corpus inspect --benchmark gaokao2023en
  $ rstar-fleet corpus inspect --benchmark synth-heldout --seed 1 --count 500
`;

/** A progress line on stderr every this many rows (only big files reach it). */
const PROGRESS_EVERY = 100_000;

interface InspectFlags {
  format: 'auto' | 'jsonl' | 'parquet';
  adapter: string;
  dataset?: string;
  json?: boolean;
  benchmark?: string;
  benchmarksDir: string;
  seed: number;
  count: number;
}

/** A whole number in [0, max]: a seed or a count. */
const wholeNumber =
  (max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) {
      throw new InvalidArgumentError(`expected a whole number from 0 to ${max}`);
    }
    return n;
  };

export function inspectCommand(io: CliIO): Command {
  return new Command('inspect')
    .description('count a corpus file by source, with duplicates and rejects (reasons, places)')
    .argument('[FILE]', 'corpus file (.jsonl or .parquet); or --benchmark NAME')
    .addOption(
      new Option('--format <format>', 'file format')
        .choices(['auto', 'jsonl', 'parquet'])
        .default('auto'),
    )
    .addOption(
      new Option('--adapter <name>', 'source layout')
        .choices(['auto', ...ADAPTER_NAMES])
        .default('auto'),
    )
    .option('--dataset <label>', 'label used in ids and sources (default: the file name)')
    .option('--json', 'print the totals as one JSON object', false)
    .addOption(new Option('--benchmark <name>', 'a benchmark by name').choices(BENCHMARK_NAMES))
    .addOption(
      new Option('--benchmarks-dir <dir>', 'folder of the benchmark files')
        .env(BENCHMARKS_DIR_ENV)
        .default(DEFAULT_BENCHMARKS_DIR),
    )
    .addOption(
      new Option('--seed <n>', 'synth-heldout: the family seed')
        .argParser(wholeNumber(0xffff_ffff))
        .default(1),
    )
    .addOption(
      new Option('--count <n>', 'synth-heldout: problems')
        .argParser(wholeNumber(100_000_000))
        .default(200),
    )
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .action(async function (this: Command, file: string | undefined, flags: InspectFlags) {
      if (file !== undefined && flags.benchmark !== undefined) {
        this.error('error: give either FILE or --benchmark NAME, not both');
      }
      const { readBenchmark, readCorpus } = await import('@rstar-fleet/corpus');
      let stream: BenchmarkStream;
      if (flags.benchmark !== undefined) {
        stream = readBenchmark(flags.benchmark, {
          dir: flags.benchmarksDir,
          synth: { seed: flags.seed, count: flags.count },
        });
      } else if (file !== undefined) {
        stream = readCorpus(file, {
          format: flags.format,
          adapter: flags.adapter,
          ...(flags.dataset === undefined ? {} : { dataset: flags.dataset }),
        });
      } else {
        this.error('error: missing FILE (or --benchmark NAME)');
      }
      let rows = 0;
      for await (const item of stream) {
        void item;
        if (++rows % PROGRESS_EVERY === 0) {
          io.stderr.write(`rstar-fleet corpus inspect: ${rows} rows read...\n`);
        }
      }
      const out = flags.json === true ? JSON.stringify(stream.stats) : formatStats(stream.stats);
      io.stdout.write(`${out}\n`);
      // The report first (it says what was rejected), then the error: ingest would stop here too.
      const empty = emptyCorpusError(stream.stats);
      if (empty !== null) throw empty;
    });
}

/** The human-readable report. */
export function formatStats(stats: CorpusStats): string {
  const lines = [
    `${stats.file}: ${stats.format ?? '?'}, adapter ${stats.adapter ?? '(none: no rows)'}`,
    `  rows read    ${stats.read}${stats.blankLines > 0 ? ` (and ${stats.blankLines} blank line(s))` : ''}`,
    `  accepted     ${stats.accepted}`,
    `  duplicates   ${stats.duplicates}`,
    `  rejected     ${stats.rejected}`,
  ];
  if (stats.jsonArray) lines.splice(1, 0, `  warning: ${JSON_ARRAY_HINT}`);
  for (const reason of REJECT_REASONS) {
    const count = stats.rejectedByReason[reason];
    if (count === 0) continue;
    lines.push(`    ${reason.padEnd(14)} ${count}`);
    for (const sample of stats.rejectSamples[reason] ?? []) lines.push(`      ${sample.message}`);
  }
  if (stats.duplicates > 0) {
    lines.push('  first duplicates');
    for (const sample of stats.duplicateSamples) lines.push(`    ${sample.message}`);
  }
  lines.push('  by source');
  const sources = Object.entries(stats.bySource).sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  const width = Math.max(10, ...sources.map(([s]) => s.length));
  for (const [source, count] of sources) lines.push(`    ${source.padEnd(width)} ${count}`);
  return lines.join('\n');
}
