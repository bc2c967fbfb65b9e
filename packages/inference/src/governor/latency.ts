import type { AdaptiveDeadlineSettings } from './settings';

/**
 * How long this endpoint's answers actually take, learned from its successful attempts, as in
 * TCP's retransmission timer (RFC 6298): a smoothed mean and mean deviation of the observed
 * durations, and a deadline of mean + `deviations` × deviation. Durations are observed relative
 * to each request's size bound (the max_tokens-based deadline), so a request twice the size of
 * another still gets twice the time: the estimate is of the share of its worst case a request
 * of this server really uses (tokens it generates, not tokens it may generate).
 */
export class LatencyEstimate {
  private samples = 0;
  private mean = 0;
  private deviation = 0;

  constructor(private readonly settings: AdaptiveDeadlineSettings) {}

  /** A successful attempt of a request whose size bound was `boundMs` took `durationMs`. */
  observe(durationMs: number, boundMs: number): void {
    if (!(boundMs > 0) || !(durationMs >= 0)) return;
    const share = durationMs / boundMs;
    if (this.samples === 0) {
      this.mean = share;
      this.deviation = share / 2;
    } else {
      // RFC 6298 §2.3 gains: β = 1/4 for the deviation (with the old mean), α = 1/8 for the mean.
      this.deviation = 0.75 * this.deviation + 0.25 * Math.abs(this.mean - share);
      this.mean = 0.875 * this.mean + 0.125 * share;
    }
    this.samples += 1;
  }

  /**
   * The deadline of a request with size bound `boundMs`: the learned estimate, at least
   * `floorMs`, at most the bound itself; the bound until `warmupSamples` answers were seen (a
   * new server's first answers include loading and cold caches).
   */
  deadlineMs(boundMs: number): number {
    if (this.samples < this.settings.warmupSamples) return boundMs;
    const estimate = boundMs * (this.mean + this.settings.deviations * this.deviation);
    return Math.min(boundMs, Math.max(this.settings.floorMs, Math.ceil(estimate)));
  }
}
