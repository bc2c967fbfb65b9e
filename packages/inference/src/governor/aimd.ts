import type { ServerLoad } from './prometheus-text';

/** How the in-flight limit follows the server's own load signals (AIMD). */
export interface AimdSettings {
  minInFlight: number;
  maxInFlight: number;
  /** Grow while the server's queue is at or below this; shrink above twice this. */
  targetWaiting: number;
  /** Shrink when KV-cache use reaches this fraction (preemptions follow soon after). */
  maxKvUsage: number;
  /** Multiplicative decrease factor in (0, 1). */
  decreaseFactor: number;
  /** Additive increase per poll. */
  increaseStep: number;
}

export interface AimdInput {
  limit: number;
  load: ServerLoad;
  /** Preemptions counted at the previous poll, to see whether new ones happened. */
  previousPreemptions: number | undefined;
  /** Whether the client had work waiting for (or filling) every slot: growing only helps then. */
  saturated: boolean;
}

/**
 * Next limit. Preemptions or a nearly full KV cache mean the server is over-committed (vLLM
 * recomputes preempted requests, so throughput drops): halve. A queue well above target means
 * more in flight only adds latency: halve. Otherwise grow slowly while the client has demand.
 */
export function nextLimit(input: AimdInput, s: AimdSettings): number {
  const { limit, load } = input;
  const preempted =
    load.preemptions !== undefined &&
    input.previousPreemptions !== undefined &&
    load.preemptions > input.previousPreemptions;
  const kvFull = load.kvUsage !== undefined && load.kvUsage >= s.maxKvUsage;
  const queueLong = load.waiting !== undefined && load.waiting > 2 * s.targetWaiting;
  let next = limit;
  if (preempted || kvFull || queueLong) {
    next = Math.floor(limit * s.decreaseFactor);
  } else if (input.saturated && (load.waiting === undefined || load.waiting <= s.targetWaiting)) {
    next = limit + s.increaseStep;
  }
  return Math.min(s.maxInFlight, Math.max(s.minInFlight, next));
}
