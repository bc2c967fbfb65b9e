import { join } from 'node:path';
import type { EvalBenchmarkPlan } from '@rstar-fleet/config';
import { BENCHMARK_FILES, SYNTH_HELDOUT, readBenchmark, readCorpus } from '@rstar-fleet/corpus';
import type { EvalSource } from './eval-ingest';

/** Where named benchmarks are read from (resolved by the host: a flag, or its default). */
export interface EvalSourceOptions {
  /** The folder of the named benchmark files. */
  dir: string;
  /** synth-heldout: the family's seed (the training corpus's) and how many problems. */
  synth: { seed: number; count: number };
}

/**
 * The evaluation's benchmarks as corpus streams: a named one through readBenchmark (its file and
 * adapter, or the synthetic held-out split), a file through readCorpus with its adapter.
 */
export function evalSources(
  benchmarks: readonly EvalBenchmarkPlan[],
  options: EvalSourceOptions,
): EvalSource[] {
  return benchmarks.map((b) => {
    if (b.kind === 'file') {
      return {
        name: b.name,
        source: b.path,
        items: readCorpus(b.path, { adapter: b.adapter, dataset: b.name }),
      };
    }
    const file = BENCHMARK_FILES.find((f) => f.name === b.name)?.file;
    return {
      name: b.name,
      source:
        b.name === SYNTH_HELDOUT
          ? `${SYNTH_HELDOUT}(seed ${options.synth.seed}, ${options.synth.count} problems)`
          : join(options.dir, file ?? b.name),
      items: readBenchmark(b.name, options),
    };
  });
}
