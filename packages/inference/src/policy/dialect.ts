import type { StepCandidate } from '@rstar-fleet/mcts';

/** Sampling settings of a policy client, sent explicitly with every request. */
export interface Sampling {
  model: string;
  temperature: number;
  topP: number;
  /** -1 (or 0) disables top-k. */
  topK: number;
  minP: number;
  maxTokens: number;
  repetitionPenalty: number;
}

/** One HTTP request's worth of an expansion. */
export interface PolicyCall {
  prompt: string;
  n: number;
  seed: number;
  stop: readonly string[];
}

export interface ParsedCompletion {
  candidates: StepCandidate[];
  promptTokens: number;
  completionTokens: number;
}

/** How one server kind is asked for steps and how its answer is read. */
export interface PolicyDialect {
  readonly path: string;
  /**
   * Absent: one request carries any `n` (unless the client fans out). Present (llama.cpp): one
   * request carries `n` only up to the server's parallel slots, read from a GET of `path`; the
   * client fans out when n is larger or the slots are unknown.
   */
  readonly slots?: { readonly path: string; read(json: unknown): number | undefined };
  body(call: PolicyCall, sampling: Sampling): Record<string, unknown>;
  /** Throws `DialectError` when the answer does not have the dialect's shape. */
  parse(json: unknown, call: PolicyCall): ParsedCompletion;
}

/** The answer did not have the shape the dialect reads (the client reports it as malformed). */
export class DialectError extends Error {
  override name = 'DialectError';
}

export function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new DialectError(`${what} is not an object`);
  }
  return v as Record<string, unknown>;
}

export function optNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
