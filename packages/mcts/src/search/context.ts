import type { SearchStats } from '@rstar-fleet/protocol';
import type { CompiledExpansionOptions } from '../options/expansion-options';
import type { SearchPorts } from '../ports';
import { renderPrompt } from '../step-protocol';
import { SearchTree } from '../tree/tree';
import { SearchCancelledError } from '../errors';
import type { NormalizedProblem } from './problem';
import { createStats } from './stats';

/** Everything an expansion needs, shared by the rollouts (or beam levels) of one search. */
export interface SearchContext {
  readonly tree: SearchTree;
  readonly problem: NormalizedProblem;
  readonly ports: SearchPorts;
  readonly options: CompiledExpansionOptions;
  readonly stats: SearchStats;
  /** Fires when the caller cancels or another rollout of this search failed. */
  readonly signal: AbortSignal;
  /** Score every new non-terminal child with the PPM (the `ppm` rule and beam search do). */
  readonly scoreSteps: boolean;
}

/** Throws SearchCancelledError once the search's signal has fired. */
export function throwIfCancelled(ctx: Pick<SearchContext, 'signal'>): void {
  if (ctx.signal.aborted) {
    throw new SearchCancelledError('search cancelled', { cause: ctx.signal.reason });
  }
}

/**
 * A fresh search over `problem`: an empty tree under the rendered prompt, zeroed stats, and a
 * signal that fires when the caller cancels or when `failure` is aborted (a rollout or beam
 * expansion failed, so the others stop early).
 */
export function createSearchContext(
  ports: SearchPorts,
  options: CompiledExpansionOptions,
  problem: NormalizedProblem,
  scoreSteps: boolean,
  userSignal: AbortSignal | undefined,
  failure: AbortController,
): SearchContext {
  return {
    tree: new SearchTree(renderPrompt(options.protocol, problem.question)),
    problem,
    ports,
    options,
    stats: createStats(),
    signal:
      userSignal === undefined ? failure.signal : AbortSignal.any([userSignal, failure.signal]),
    scoreSteps,
  };
}
