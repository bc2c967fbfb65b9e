import type { AimdSettings } from './aimd';
import type { BackoffSettings } from './backoff';

/** Compiled governor settings of one endpoint (see `GovernorOptions` for meanings and defaults). */
export interface GovernorSettings {
  maxInFlight: number;
  retries: BackoffSettings & { maxRetries: number; reconnectWindowMs: number };
  deadline: DeadlineSettings;
  /** null: a passed deadline is never re-classified. */
  healthProbe: HealthProbeSettings | null;
  adaptive: AdaptiveSettings | null;
  keepAliveTimeoutMs: number;
  random: () => number;
}

export interface DeadlineSettings {
  baseMs: number;
  perOutputTokenMs: number;
  perInputCharMs: number;
  maxMs: number;
  /** null: every attempt gets its size bound (`deadlineMs`). */
  adaptive: AdaptiveDeadlineSettings | null;
}

/** The learned deadline (see `LatencyEstimate`). */
export interface AdaptiveDeadlineSettings {
  floorMs: number;
  deviations: number;
  warmupSamples: number;
}

/** The short GET after a passed deadline that tells a stopped server from a slow one. */
export interface HealthProbeSettings {
  path: string;
  timeoutMs: number;
}

export interface AdaptiveSettings extends AimdSettings {
  intervalMs: number;
  metricsPath: string;
}

/** The size of a request, from which its deadline follows. */
export interface RequestSize {
  inputChars: number;
  /** Tokens the server may generate per sequence (`max_tokens`); 0 for scoring. */
  outputTokens: number;
  /**
   * Sequences the server works on for it (`n`, or the inputs of a scoring batch): llama.cpp
   * gives each its own slot, and the adaptive loop compares them with its busy slots.
   */
  sequences: number;
}

/**
 * The size bound of one attempt: a fixed allowance (queueing, time to first token) plus time per
 * token the server may generate and per character it must prefill, capped. The ceiling of any
 * deadline, and the deadline itself until the endpoint has learned how long it really takes.
 */
export function deadlineMs(size: RequestSize, s: DeadlineSettings): number {
  const ms = s.baseMs + size.outputTokens * s.perOutputTokenMs + size.inputChars * s.perInputCharMs;
  return Math.min(s.maxMs, Math.ceil(ms));
}
