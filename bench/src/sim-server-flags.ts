import { GPU_PRESETS } from '@rstar-fleet/model-sim';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { intFlag, numberFlag, type BenchFlags } from './bench-flags';
import type { ClusterOptions } from './fleet-cluster';
import type { SimClock } from './sim-window';

/**
 * The simulated GPU server of the saturation benchmarks (fleet-saturation, eval-throughput),
 * from their shared flags: the fixed latency model (`--max-num-seqs`, `--ttft-ms`,
 * `--per-token-ms`) or the token-level GPU model (`--gpu PRESET`), either run faster than life
 * by `--time-scale`. Each benchmark picks its defaults (what its workload needs on the host).
 */
export interface SimServerDefaults {
  maxNumSeqs: number;
  timeScale: number;
}

const TTFT_MS = 150;
const PER_TOKEN_MS = 25;

export function simServerFlags(d: SimServerDefaults): Record<string, string> {
  return {
    'max-num-seqs': `simulated server batch: sequences decoded at once (default ${d.maxNumSeqs})`,
    'ttft-ms': `simulated time to first token (default ${TTFT_MS})`,
    'per-token-ms': `simulated time per generated token at full batch (default ${PER_TOKEN_MS})`,
    gpu: 'run the simulator on the token-level GPU model instead (a preset: h200-7b, h100-7b, a100-7b; its max-num-seqs unless --max-num-seqs)',
    'time-scale': `wall ms per simulated ms (default ${d.timeScale}); rates are per simulated second`,
  };
}

export interface SimServer {
  /** What startCluster needs for it. */
  cluster: Pick<ClusterOptions, 'sim' | 'simArgs'>;
  clock: SimClock;
  /** One line for the benchmark's notes. */
  description: string;
}

export function simServerFromFlags(flags: BenchFlags, d: SimServerDefaults): SimServer {
  const maxNumSeqs = intFlag(flags, 'max-num-seqs', d.maxNumSeqs);
  const timeScale = numberFlag(flags, 'time-scale', d.timeScale, 0.001);
  const scaled = timeScale === 1 ? '' : `, ${timeScale} wall ms per simulated ms`;
  const gpu = flags.gpu;
  if (gpu === undefined) {
    const ttftMs = numberFlag(flags, 'ttft-ms', TTFT_MS);
    const perTokenMs = numberFlag(flags, 'per-token-ms', PER_TOKEN_MS);
    return {
      // The fixed model has no clock of its own: it is given its latencies scaled.
      cluster: {
        sim: { maxNumSeqs, ttftMs: ttftMs * timeScale, perTokenMs: perTokenMs * timeScale },
      },
      clock: { batch: maxNumSeqs, simulatedPerIntegralSecond: 1 / timeScale },
      description: `max-num-seqs ${maxNumSeqs}, TTFT ${ttftMs} ms, ${perTokenMs} ms/token${scaled}`,
    };
  }
  const preset = GPU_PRESETS[gpu];
  if (preset === undefined) {
    throw new InvalidInputError(`unknown GPU preset ${gpu}`, { field: '--gpu' });
  }
  const ownBatch = flags['max-num-seqs'] !== undefined;
  return {
    cluster: {
      simArgs: [
        `--gpu=${gpu}`,
        `--time-scale=${timeScale}`,
        ...(ownBatch ? [`--max-num-seqs=${maxNumSeqs}`] : []),
      ],
    },
    clock: { batch: ownBatch ? maxNumSeqs : preset.maxNumSeqs, simulatedPerIntegralSecond: 1 },
    description: `the token-level GPU model ${gpu} (max-num-seqs ${ownBatch ? maxNumSeqs : `${preset.maxNumSeqs}, the preset's`}; prefill, prefix cache, decode batches${scaled})`,
  };
}
