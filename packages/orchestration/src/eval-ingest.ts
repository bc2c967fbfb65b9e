import { sha256Hex, type CorpusItem, type ProblemRecord } from '@rstar-fleet/corpus';
import { InvalidInputError, type EvalManifest } from '@rstar-fleet/protocol';
import { evalFile, evalShardInput, type ArtifactStore } from '@rstar-fleet/store';
import type { EvalBenchmarkInput } from './eval-manifest';
import { toJsonl } from './ingest';
import { rejectEntry, type RejectEntry } from './reject-entry';

/** A benchmark to evaluate: its name, where it is read from, and its items (corpus adapters). */
export interface EvalSource {
  name: string;
  source: string;
  items: AsyncIterable<CorpusItem>;
}

/** A benchmark row left out of an evaluation, with the benchmark it belongs to. */
export interface SkippedRow extends RejectEntry {
  benchmark: string;
}

/** A benchmark read and sampled: what the manifest counts, the problems, the rows left out. */
export interface EvalBenchmarkRead {
  input: EvalBenchmarkInput;
  problems: ProblemRecord[];
  skipped: SkippedRow[];
}

/**
 * Reads one benchmark whole (evaluation sets are small: thousands of rows) and keeps a sample.
 * A row the adapters cannot read, a row without an answer (refused: nothing to grade against)
 * and a duplicate are left out with their file:line and counted as skipped; the rest are
 * evaluated. `sample`: that many problems, chosen by `sampleProblems` (all when fewer).
 */
export async function readEvalBenchmark(
  source: EvalSource,
  options: { sample: number | null; seed: number },
): Promise<EvalBenchmarkRead> {
  const problems: ProblemRecord[] = [];
  const skipped: SkippedRow[] = [];
  for await (const item of source.items) {
    if (item.type === 'record') problems.push(item.record);
    else {
      const entry = rejectEntry(item);
      if (entry !== null) skipped.push({ benchmark: source.name, ...entry });
    }
  }
  const chosen =
    options.sample === null ? problems : sampleProblems(problems, options.sample, options.seed);
  return {
    input: {
      name: source.name,
      source: source.source,
      problems: chosen.length,
      skipped: skipped.length,
    },
    problems: chosen,
    skipped,
  };
}

/**
 * `size` of the problems, the same ones for the same seed whatever order the rows come in: each
 * problem is ranked by a hash of the seed and its id and the lowest `size` are kept, in their
 * original order. Growing `size` keeps the smaller sample's problems (a larger evaluation of the
 * same seed contains the smaller one).
 */
export function sampleProblems(
  problems: readonly ProblemRecord[],
  size: number,
  seed: number,
): ProblemRecord[] {
  if (!Number.isInteger(size) || size < 1) {
    throw new InvalidInputError(`expected an integer ≥ 1, got ${size}`, { field: 'sample' });
  }
  if (size >= problems.length) return [...problems];
  const ranked = problems
    .map((p, i) => ({ i, rank: sha256Hex(`${seed}\u0000${p.id}`) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.i - b.i))
    .slice(0, size)
    .map((r) => r.i)
    .sort((a, b) => a - b);
  return ranked.map((i) => problems[i] as ProblemRecord);
}

/**
 * Writes the evaluation's shard files as its manifest lays them out (benchmark b's problems in
 * shards firstShard.., `shards.size` each) and the rows left out (`skipped.jsonl`). Deterministic
 * from the same reads, so writing them again after a crash writes the same files.
 */
export async function writeEvalShards(
  store: ArtifactStore,
  manifest: EvalManifest,
  reads: readonly EvalBenchmarkRead[],
): Promise<void> {
  const { run, round, name } = manifest;
  const size = manifest.shards.size;
  for (const [b, bench] of manifest.benchmarks.entries()) {
    const read = reads[b];
    if (read?.input.name !== bench.name || read.problems.length !== bench.problems) {
      throw new InvalidInputError(`benchmark ${bench.name} was read differently than planned`, {
        field: `benchmarks.${b}`,
      });
    }
    for (let s = 0; s < bench.shards; s++) {
      const rows = read.problems.slice(s * size, (s + 1) * size);
      await store.write(evalShardInput(run, round, name, bench.firstShard + s), toJsonl(rows));
    }
  }
  await store.write(
    evalFile(run, round, name, 'skipped.jsonl'),
    toJsonl(reads.flatMap((r) => r.skipped)),
  );
}
