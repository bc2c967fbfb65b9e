import { fetchText, metricSum } from '../fleet-procs';

/** A simulated GPU's counters (summed over replicas); times in simulated seconds. */
export interface GpuReading {
  elapsedS: number;
  busyS: number;
  /** Wall seconds the GPU had nothing to run (host time at any time scale). */
  idleWallS: number;
  lagS: number;
  prefillTokens: number;
  promptTokens: number;
  generatedTokens: number;
  cacheQueries: number;
  cacheHits: number;
  preemptions: number;
  /** ∫ running sequences dt (sequence-seconds). */
  runningSeqS: number;
}

export async function readGpus(urls: readonly string[]): Promise<GpuReading> {
  const texts = await Promise.all(urls.map((u) => fetchText(`${u}/metrics`)));
  const sum = (name: string): number => texts.reduce((s, t) => s + metricSum(t, name), 0);
  return {
    elapsedS: sum('rstar_sim_gpu_elapsed_seconds_total'),
    busyS: sum('rstar_sim_gpu_busy_seconds_total'),
    idleWallS: sum('rstar_sim_gpu_idle_wall_seconds_total'),
    lagS: sum('rstar_sim_gpu_lag_seconds_total'),
    prefillTokens: sum('rstar_sim_prefill_tokens_total'),
    promptTokens: sum('vllm:prompt_tokens_total'),
    generatedTokens: sum('vllm:generation_tokens_total'),
    cacheQueries: sum('vllm:prefix_cache_queries_total'),
    cacheHits: sum('vllm:prefix_cache_hits_total'),
    preemptions: sum('vllm:num_preemptions_total'),
    runningSeqS: sum('rstar_sim_busy_sequence_seconds_total'),
  };
}

/**
 * What the GPUs cost over a run: simulated busy time plus the idle time in host (wall) seconds,
 * so a GPU simulated faster than life (the lock-step runs) still pays its CPU phases in full.
 */
export const gpuSeconds = (r: GpuReading): number => r.busyS + r.idleWallS;

export function delta(after: GpuReading, before: GpuReading): GpuReading {
  const out = { ...after };
  for (const k of Object.keys(out) as (keyof GpuReading)[]) out[k] = after[k] - before[k];
  return out;
}
