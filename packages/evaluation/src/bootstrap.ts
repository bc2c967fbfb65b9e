import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { sampleSd } from './stats';

export interface BootstrapEstimate {
  /** Standard deviation of the resampled means (the bootstrap standard error). */
  readonly se: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Percentile bootstrap of a mean: `resamples` times, draw values.length values with replacement
 * and average them; the interval is the (1 − confidence)/2 and (1 + confidence)/2 quantiles of
 * those means (sorted[floor(α/2·B)] and sorted[ceil((1 − α/2)·B) − 1]). Seeded, so the interval is
 * the same on every machine and every recount. Problems, not runs, are resampled: runs of one
 * problem are not independent trials.
 */
export function bootstrapMean(
  values: readonly number[],
  seed: number,
  resamples: number,
  confidence: number,
): BootstrapEstimate {
  const gen = xoroshiro128plus(seed);
  const n = values.length;
  const means: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[uniformInt(gen, 0, n - 1)] as number;
    means.push(sum / n);
  }
  means.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  const lowAt = Math.min(resamples - 1, Math.floor((alpha / 2) * resamples));
  const highAt = Math.max(0, Math.ceil((1 - alpha / 2) * resamples) - 1);
  return {
    se: sampleSd(means),
    low: means[lowAt] as number,
    high: means[highAt] as number,
  };
}
