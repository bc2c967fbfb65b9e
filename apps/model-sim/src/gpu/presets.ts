import type { GpuCost } from './cost-model';

/**
 * Cited GPU presets for a 7B decoder (Qwen2.5-7B shape: 28 layers, 4 KV heads × 128 dims, bf16
 * → 56 KiB of KV per token). Anchor: one H200 measured in plain PyTorch with CUDA graphs
 * (`shared/data/gpu/roofline-h200-qwen2.5-7b-shape.json`): a floor under what vLLM pays.
 * H100 and A100 are that floor scaled by the chips' published figures — decode by memory
 * bandwidth (the floor's decode steps read at 2.1–2.7 TB/s at every batch: memory-bound), prefill
 * by dense bf16 compute — which lands where the reference notes put vLLM on them (H100: 10–15k
 * output tok/s at 256–512 sequences; A100 about half of it). Scheduler limits are vLLM's
 * defaults per GPU (`max_num_seqs` 1024 / `max_num_batched_tokens` 8192 on ≥ 70 GiB non-A100
 * cards, 256 / 2048 otherwise); KV capacity at `--gpu-memory-utilization 0.9`.
 */
export interface GpuPreset {
  /** vLLM `max_num_seqs`. */
  maxNumSeqs: number;
  /** KV-cache capacity, tokens. */
  kvCacheTokens: number;
  gpu: GpuCost;
}

/** H200 decode step at context 1024 (ms), measured: batch → ms. */
const H200_DECODE: [number, number][] = [
  [1, 5.24],
  [8, 5.64],
  [32, 6.19],
  [64, 6.76],
  [128, 8.08],
  [256, 11.65],
  [512, 20.72],
];
/** Context 2048 minus context 1024, per extra context token: 1.18–1.24e-5 ms at batch 8–512. */
const H200_KV_MS_PER_TOKEN = 1.2e-5;
/** Prefill of 2048–16k tokens: 39.5–40.8k tokens/s. */
const H200_PREFILL_TOKENS_PER_S = 40_000;

/** HBM bandwidth, TB/s (vendor data sheets: H200 4.8, H100 SXM 3.35, A100 80 GB SXM 2.04). */
const BANDWIDTH = { h200: 4.8, h100: 3.35, a100: 2.04 };
/** Dense bf16 TFLOP/s (H100 and H200: 989, A100: 312). */
const COMPUTE = { h200: 989, h100: 989, a100: 312 };

function scaledFromH200(chip: 'h200' | 'h100' | 'a100'): Omit<GpuCost, 'name'> {
  const memory = BANDWIDTH.h200 / BANDWIDTH[chip];
  const round = (ms: number): number => Math.round(ms * memory * 100) / 100;
  return {
    decodeStepMs: H200_DECODE.map(([batch, ms]) => [batch, round(ms)]),
    referenceContext: 1024,
    kvMsPerContextToken: H200_KV_MS_PER_TOKEN * memory,
    prefillTokensPerS: Math.round((H200_PREFILL_TOKENS_PER_S * COMPUTE[chip]) / COMPUTE.h200),
    maxNumBatchedTokens: chip === 'a100' ? 2048 : 8192,
    blockSize: 16,
    prefixCaching: true,
    timeScale: 1,
  };
}

export const GPU_PRESETS: Readonly<Record<string, GpuPreset>> = Object.freeze({
  // 141 GB × 0.9 − 14.1 GB weights − ~5 GB activations ≈ 108 GB of KV ÷ 56 KiB ≈ 1.8 M tokens.
  'h200-7b': {
    maxNumSeqs: 1024,
    kvCacheTokens: 1_800_000,
    gpu: { name: 'h200-7b', ...scaledFromH200('h200') },
  },
  // About 50 GB of KV on an 80 GB card ≈ 0.9 M tokens (inference-servers.md §1.3).
  'h100-7b': {
    maxNumSeqs: 1024,
    kvCacheTokens: 900_000,
    gpu: { name: 'h100-7b', ...scaledFromH200('h100') },
  },
  'a100-7b': {
    maxNumSeqs: 256,
    kvCacheTokens: 900_000,
    gpu: { name: 'a100-7b', ...scaledFromH200('a100') },
  },
});

export const GPU_PRESET_NAMES = Object.keys(GPU_PRESETS);
