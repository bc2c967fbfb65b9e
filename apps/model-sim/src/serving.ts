import type { Checkpoint } from './checkpoint';
import { GpuEngine, type GpuCounters, type ServedSequence } from './gpu/engine';
import { Scheduler, type SchedulerIntegrals, type SchedulerSnapshot, type Sleep } from './latency';
import { countTokens } from './tokens';

/**
 * What serves the simulator's requests: the token-level GPU engine when the checkpoint's latency
 * has `gpu` set, else the fixed latency model (TTFT + per-token time; zero by default, for fast
 * tests). Completions and pooling hand it their sequences and wait.
 */
export interface ServingEngine {
  readonly kind: 'gpu' | 'fixed';
  run(sequences: readonly ServedSequence[], signal?: AbortSignal): Promise<void>;
  snapshot(): SchedulerSnapshot;
  integrals(): SchedulerIntegrals;
  /** The GPU engine's counters (cache, prefill, preemptions, busy time); null for the fixed model. */
  gpuCounters(): GpuCounters | null;
  reconfigure(latency: Checkpoint['latency']): void;
}

export function createServingEngine(latency: Checkpoint['latency'], sleep: Sleep): ServingEngine {
  return latency.gpu === undefined ? fixedEngine(latency, sleep) : gpuEngine(latency);
}

function gpuEngine(latency: Checkpoint['latency']): ServingEngine {
  const configOf = (l: Checkpoint['latency']) => ({
    maxNumSeqs: l.maxNumSeqs,
    kvCacheTokens: l.kvCacheTokens,
    gpu: l.gpu!,
  });
  const engine = new GpuEngine(configOf(latency));
  return {
    kind: 'gpu',
    run: (sequences, signal) => engine.run(sequences, signal),
    snapshot: () => engine.snapshot(),
    integrals: () => engine.integrals(),
    gpuCounters: () => engine.gpuCounters(),
    reconfigure: (l) => {
      // A checkpoint without GPU constants keeps the hardware it is deployed on.
      if (l.gpu !== undefined) engine.reconfigure(configOf(l));
    },
  };
}

/**
 * The fixed model as before: a request holds one sequence per choice, each with the request's
 * mean KV (distinct prompts + outputs), freed when its own choice ends; prefill-only requests
 * hold every slot for the TTFT.
 */
function fixedEngine(latency: Checkpoint['latency'], sleep: Sleep): ServingEngine {
  const scheduler = new Scheduler(latency, sleep);
  return {
    kind: 'fixed',
    run: (sequences, signal) => {
      const groups = new Map(sequences.map((s) => [s.group, s.prompt]));
      const promptTokens = [...groups.values()].reduce((sum, p) => sum + countTokens(p), 0);
      const outputs = sequences.map((s) => s.outputTokens);
      const outputTokens = outputs.reduce((a, b) => a + b, 0);
      const perSeq = Math.ceil((promptTokens + outputTokens) / Math.max(1, sequences.length));
      return scheduler.run(sequences.length, perSeq, outputTokens === 0 ? 0 : outputs, signal);
    },
    snapshot: () => scheduler.snapshot(),
    integrals: () => scheduler.integrals(),
    gpuCounters: () => null,
    reconfigure: (l) => scheduler.reconfigure(l),
  };
}
