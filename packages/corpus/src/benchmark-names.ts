// The benchmark registry's names and files alone (no reader): the CLI lists them as flag
// choices without loading the corpus readers.

/** A real evaluation set: its file inside the benchmarks directory and the adapter its layout needs. */
export interface BenchmarkFile {
  name: string;
  file: string;
  adapter: string;
}

/**
 * The five public sets in shared/data/benchmarks (see its README). The adapter is named, not
 * detected, so a benchmark is always read the same way whatever its first rows look like.
 */
export const BENCHMARK_FILES: readonly BenchmarkFile[] = [
  { name: 'aime24', file: 'aime24-test.jsonl', adapter: 'plain' },
  { name: 'amc23', file: 'amc23-test.jsonl', adapter: 'plain' },
  { name: 'gaokao2023en', file: 'gaokao2023en-test.jsonl', adapter: 'qa' },
  { name: 'gsm8k', file: 'gsm8k-test.jsonl', adapter: 'gsm8k' },
  { name: 'minerva_math', file: 'minerva_math-test.jsonl', adapter: 'math' },
];

/** The synthetic family's held-out split, so the simulator's checkpoints can be evaluated. */
export const SYNTH_HELDOUT = 'synth-heldout';

export const BENCHMARK_NAMES: readonly string[] = [
  ...BENCHMARK_FILES.map((b) => b.name),
  SYNTH_HELDOUT,
];
