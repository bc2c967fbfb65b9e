import { z } from 'zod';

/**
 * The constants of the token-level GPU cost model: what one engine step of a 7B-class decoder
 * costs on one GPU. They are checkpoint settings (`latency.gpu`), so a user can set their own;
 * `presets.ts` holds the cited ones. Every figure the model produces is SIMULATED.
 */
export const gpuCostSchema = z.strictObject({
  /** Label shown in metrics and benchmark notes, e.g. `h100-7b` (a preset) or `custom`. */
  name: z.string().min(1).max(64),
  /**
   * Decode step time, ms, by running batch at `referenceContext` tokens per sequence, as
   * [batch, ms] points with increasing batch (interpolated linearly; extrapolated with the last
   * segment's slope). Measured points, so the curve keeps its shape: flat at small batches
   * (the step reads the weights once: memory-bound), rising steeply at large ones.
   */
  decodeStepMs: z
    .array(z.tuple([z.number().int().min(1), z.number().positive()]))
    .min(2)
    .refine(
      (points) =>
        points.every((p, i) => i === 0 || (p[0] > points[i - 1]![0] && p[1] >= points[i - 1]![1])),
      'decodeStepMs points must rise in batch and not fall in time',
    ),
  /** Context length (tokens per sequence) at which `decodeStepMs` was measured. */
  referenceContext: z.number().int().min(1),
  /** Extra decode time per context token beyond the reference (KV reads), ms. */
  kvMsPerContextToken: z.number().min(0),
  /** Prefill throughput (compute-bound), prompt tokens per second. */
  prefillTokensPerS: z.number().positive(),
  /** Tokens a step may process (vLLM `max_num_batched_tokens`: decode tokens + prefill chunks). */
  maxNumBatchedTokens: z.number().int().min(1),
  /** KV-cache block size in tokens (vLLM: 16); prefix caching works on full blocks. */
  blockSize: z.number().int().min(1).max(1024),
  /** Automatic prefix caching (vLLM V1: on by default; rStar's vLLM 0.6.6: off). */
  prefixCaching: z.boolean(),
  /**
   * Wall milliseconds per simulated millisecond: 4 runs the simulated GPU 4× slower than real
   * time (so a small machine's CPU keeps up with it); every exported figure stays in simulated
   * time.
   */
  timeScale: z.number().positive().max(1000),
});
export type GpuCost = z.infer<typeof gpuCostSchema>;

/** One engine step's work. */
export interface StepWork {
  /** Sequences producing one token this step. */
  decodeSeqs: number;
  /** Their context tokens, summed (what the attention reads). */
  decodeContextTokens: number;
  /** Prompt tokens computed this step (not served from the prefix cache). */
  prefillTokens: number;
}

/**
 * Simulated duration of one step, ms: the larger of its memory side (the decode step time at
 * this batch, corrected for context beyond the reference; at least the weights' read, which a
 * prefill-only step pays too) and its compute side (every token of the step at the prefill
 * rate). A step mixing decode and prefill pays for both sides only where they do not overlap,
 * as a roofline says.
 */
export function stepMs(cost: GpuCost, work: StepWork): number {
  const tokens = work.decodeSeqs + work.prefillTokens;
  if (tokens === 0) return 0;
  const weightsMs = cost.decodeStepMs[0]![1];
  const memory = Math.max(
    weightsMs,
    decodeMs(cost, work.decodeSeqs) +
      cost.kvMsPerContextToken *
        (work.decodeContextTokens - work.decodeSeqs * cost.referenceContext),
  );
  const compute = (tokens * 1000) / cost.prefillTokensPerS;
  return Math.max(memory, compute);
}

/** The decode step time at `batch` sequences of the reference context (0 → 0). */
export function decodeMs(cost: GpuCost, batch: number): number {
  if (batch <= 0) return 0;
  const points = cost.decodeStepMs;
  let i = 1;
  while (i < points.length - 1 && batch > points[i]![0]) i++;
  const [b0, t0] = points[i - 1]!;
  const [b1, t1] = points[i]!;
  if (batch <= b0) return t0;
  return t0 + ((t1 - t0) * (batch - b0)) / (b1 - b0);
}
