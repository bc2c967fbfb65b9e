/** Retry pacing: exponential backoff with "full jitter" (delay drawn uniformly in [0, cap)). */
export interface BackoffSettings {
  /** Cap of the first retry's delay; doubles per retry. */
  baseDelayMs: number;
  /** No delay exceeds this, whatever the attempt or a server's Retry-After. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (0 = first retry). Full jitter spreads the retries of many
 * clients that failed together, so a recovering server is not hit by a synchronised wave. A
 * server's `Retry-After` (429/503) is a floor: asking sooner would only be refused again.
 */
export function backoffDelayMs(
  retry: number,
  settings: BackoffSettings,
  random: () => number,
  retryAfterMs?: number,
): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
  const jittered = random() * cap;
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, settings.maxDelayMs);
  return Math.max(jittered, floor);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from `nowMs`. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
