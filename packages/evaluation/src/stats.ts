/** Small descriptive statistics over plain arrays (the report's only arithmetic). */

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** Standard error of the mean: sample sd / √n. */
export function standardError(values: readonly number[]): number {
  return sampleSd(values) / Math.sqrt(values.length);
}
