import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { BENCHMARK_FILES, BENCHMARK_NAMES, SYNTH_HELDOUT } from './benchmark-names';
import type { CorpusItem } from './items';
import { readCorpus } from './read-corpus';
import { type CorpusStats, emptyStats, tally } from './stats';
import { synthRecord } from './synth/record';

/**
 * Where held-out problems start in the family's index space. Training corpora are indices
 * 0..count-1 (writeSynthCorpus), and generateProblem(seed, index) depends on nothing but its
 * index, so a training set below this bound never shares an index (or id) with the held-out
 * split. 2^31 is far above any corpus the fleet writes (the paper's 747k).
 */
export const SYNTH_HELDOUT_START = 2 ** 31;

export interface BenchmarkOptions {
  /** The folder holding the benchmark files; resolved by the caller (an app flag or default). */
  dir: string;
  /** synth-heldout only: the family's seed (the training corpus's seed) and how many problems. */
  synth: { seed: number; count: number };
}

/**
 * A benchmark's problems as corpus items, with the reference answers the grader grades
 * against. A row without an answer is a located reject (file:line, field) and the rest are read;
 * `stats.rejected` says how many were skipped once the stream is read.
 */
export interface BenchmarkStream extends AsyncIterable<CorpusItem> {
  readonly stats: CorpusStats;
}

export function readBenchmark(name: string, options: BenchmarkOptions): BenchmarkStream {
  if (name === SYNTH_HELDOUT) return synthHeldout(options.synth.seed, options.synth.count);
  const known = BENCHMARK_FILES.find((b) => b.name === name);
  if (known === undefined) {
    throw new InvalidInputError(
      `unknown benchmark "${name}"; known: ${BENCHMARK_NAMES.join(', ')}`,
      { field: 'benchmark' },
    );
  }
  return readCorpus(join(options.dir, known.file), { adapter: known.adapter, dataset: known.name });
}

const YIELD_EVERY = 256;

/** Held-out problems 0..count-1 of the family for `seed`, as records (the label is the place). */
function synthHeldout(seed: number, count: number): BenchmarkStream {
  const label = `${SYNTH_HELDOUT}(seed ${seed})`;
  const stats = { ...emptyStats(label), adapter: 'synth' };
  return {
    stats,
    async *[Symbol.asyncIterator](): AsyncGenerator<CorpusItem> {
      for (let i = 0; i < count; i++) {
        // Generating is synchronous: let timers and signals run between chunks of problems.
        if (i % YIELD_EVERY === 0) await nextTurn();
        const { id, problem, answer, difficulty } = synthRecord(seed, SYNTH_HELDOUT_START + i);
        stats.read++;
        const item: CorpusItem = {
          type: 'record',
          record: { id, problem, answer, source: SYNTH_HELDOUT, meta: { difficulty } },
          file: label,
          line: i + 1,
        };
        tally(stats, item);
        yield item;
      }
    },
  };
}
