import type { GovernorOptions } from '../options/common';

/** Governor settings that keep the contract suites fast: tiny backoff, short deadlines. */
export function fastGovernor(overrides: GovernorOptions = {}): GovernorOptions {
  return {
    maxInFlight: 16,
    keepAliveTimeoutMs: 1000,
    ...overrides,
    retries: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5, ...overrides.retries },
    deadline: { baseMs: 2000, perOutputTokenMs: 0, perInputCharMs: 0, ...overrides.deadline },
  };
}

export const STOPS = ['<end_of_step>', '<end_of_code>', '<end_of_answer>'] as const;

export function expandRequest(
  prompt: string,
  n: number,
  overrides: { problemId?: string; seed?: number; signal?: AbortSignal } = {},
) {
  return {
    problemId: overrides.problemId ?? 'p-1',
    nodeId: '0',
    prompt,
    n,
    depth: 1,
    seed: overrides.seed ?? 1000,
    stop: STOPS,
    signal: overrides.signal,
  };
}

export { metricValue } from '../testing';
