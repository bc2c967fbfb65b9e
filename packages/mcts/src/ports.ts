import type { ExecutionStatus } from '@rstar-fleet/protocol';

/**
 * The engine's only contact with the world. Each port is an async function the host injects:
 * HTTP/gRPC clients in a worker, doubles in tests (see `@rstar-fleet/mcts/testing`). Ports get an
 * AbortSignal that fires when the caller cancels the search or another rollout of it failed.
 */

export interface ExpandRequest {
  problemId: string;
  /** Path id of the node being expanded (`"0"` = root); lets a client log or pin a tree. */
  nodeId: string;
  /**
   * Rendered prompt template + every ancestor step text, concatenated exactly as stored, so that
   * siblings share the prefix byte for byte (prefix caching depends on it).
   */
  prompt: string;
  /** Number of candidates to sample. */
  n: number;
  /** Depth of the steps to generate (1 = first step of the solution). */
  depth: number;
  /** Sampling seed, derived from the search seed and the node id so searches reproduce. */
  seed: number;
  /** Stop strings from the step protocol (e.g. `<end_of_step>`, `<end_of_code>`, `<end_of_answer>`). */
  stop: readonly string[];
  signal?: AbortSignal;
}

export interface StepCandidate {
  /** The generated step WITHOUT the stop string (the engine re-attaches it). */
  text: string;
  /** The stop string that ended the step; null when generation ended on EOS or no stop matched. */
  stop: string | null;
  /** `length` means the token limit cut the step: it becomes an invalid terminal. */
  finishReason: 'stop' | 'length';
  tokens?: { prompt: number; completion: number };
}

export interface PolicyPort {
  /**
   * Samples `n` candidate next steps. May throw ContextOverflowError (@rstar-fleet/protocol):
   * the node then becomes an invalid terminal and the search goes on.
   */
  expand(request: ExpandRequest): Promise<StepCandidate[]>;
}

export interface ExecutionResult {
  status: ExecutionStatus;
  stdout: string;
  stderr: string;
}

export interface ExecutorPort {
  /** Runs each program from scratch; one result per program, in order. */
  execute(programs: string[], signal?: AbortSignal): Promise<ExecutionResult[]>;
}

export interface RewardPort {
  /**
   * Process preference model: one score in [−1, 1] per prefix, in order. Any transform of the raw
   * head output (rStar: tanh(x/5)) is the client's job.
   */
  score(prefixes: string[], signal?: AbortSignal): Promise<number[]>;
}

export interface GraderPort {
  /** Whether a predicted answer (content of the last `\boxed{}`) equals the reference. */
  equal(pred: string, ref: string): boolean | Promise<boolean>;
}

export interface SearchPorts {
  policy: PolicyPort;
  executor: ExecutorPort;
  grader: GraderPort;
  /** Needed for the `ppm` Q rule, beam search and test-time search (no reference answer). */
  reward?: RewardPort;
}
