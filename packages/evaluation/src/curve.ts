/** k = 1, 2, 4, … below `runs`, then `runs` itself: the test-time scaling curve's x values. */
export function curveKs(runs: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < runs; k *= 2) ks.push(k);
  ks.push(runs);
  return ks;
}
