import { InvalidInputError } from '@rstar-fleet/protocol';

/** How a worker searches a shard; every field optional (defaults below). */
export interface RolloutOptions {
  /**
   * Search units (problem × tree) in flight at once within one shard job. With `treeConcurrency`
   * rollouts per tree this keeps up to problemsInFlight × treeConcurrency policy requests open,
   * which is what saturates an inference server. Default 64.
   */
  problemsInFlight?: number;
  /**
   * Rollouts of one MCTS tree in flight at once (the engine's `concurrency`). Default 1, as
   * rStar runs them: one after another, so every rollout sees the values of the ones before it
   * and a tree (hence the datasets) depends only on the seed. Above 1, virtual loss spreads the
   * rollouts over the tree and the tree depends on port timing (more throughput per tree, less
   * reproducibility, a flatter self-evolution curve was seen at 4).
   */
  treeConcurrency?: number;
  /** The engine yields to the event loop every this many rollouts of a tree worker. Default 4. */
  yieldEvery?: number;
  /**
   * How long a dependency (policy, PPM, sandbox) may stay unavailable (every call failing, no
   * success in between; or one call failing throughout) before the shard fails (and the queue
   * retries it). Failed calls are retried meanwhile. Default 600 000 ms (10 minutes).
   */
  outageBudgetMs?: number;
  /** First pause after an outage failure, doubling per failure, full jitter. Default 500 ms. */
  outageBaseDelayMs?: number;
  /** Longest pause between attempts of a call (or unit). Default 15 000 ms. */
  outageMaxDelayMs?: number;
  /** Progress reports at most this often (the last one is always sent). Default 500 ms. */
  progressIntervalMs?: number;
}

export type CompiledRolloutOptions = Readonly<Required<RolloutOptions>>;

export const ROLLOUT_DEFAULTS: CompiledRolloutOptions = Object.freeze({
  problemsInFlight: 64,
  treeConcurrency: 1,
  yieldEvery: 4,
  outageBudgetMs: 600_000,
  outageBaseDelayMs: 500,
  outageMaxDelayMs: 15_000,
  progressIntervalMs: 500,
});

function int(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidInputError(`expected an integer ≥ ${min}, got ${value}`, { field });
  }
  return value;
}

/** Validates once; errors name the field (`rollout.problemsInFlight`). */
export function compileRolloutOptions(options: RolloutOptions = {}): CompiledRolloutOptions {
  const o = { ...ROLLOUT_DEFAULTS, ...stripUndefined(options) };
  return Object.freeze({
    problemsInFlight: int(o.problemsInFlight, 'rollout.problemsInFlight', 1),
    treeConcurrency: int(o.treeConcurrency, 'rollout.treeConcurrency', 1),
    yieldEvery: int(o.yieldEvery, 'rollout.yieldEvery', 0),
    outageBudgetMs: int(o.outageBudgetMs, 'rollout.outageBudgetMs', 0),
    outageBaseDelayMs: int(o.outageBaseDelayMs, 'rollout.outageBaseDelayMs', 0),
    outageMaxDelayMs: int(o.outageMaxDelayMs, 'rollout.outageMaxDelayMs', 0),
    progressIntervalMs: int(o.progressIntervalMs, 'rollout.progressIntervalMs', 0),
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
