import type { SearchSettings } from '@rstar-fleet/protocol';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { SearchCancelledError } from '../errors';
import {
  compileBeamOptions,
  type BeamOptions,
  type CompiledBeamOptions,
} from '../options/beam-options';
import type { SearchPorts } from '../ports';
import { isSelectable, type SearchNode } from '../tree/node';
import { createSearchContext, throwIfCancelled } from './context';
import { applyExpansion, prepareExpansion } from './expansion';
import type { SearchCallOptions } from './mcts';
import { normalizeProblem, type SearchProblem } from './problem';
import type { SearchResult } from './result';

export interface BeamEngine {
  readonly options: CompiledBeamOptions;
  search(problem: SearchProblem, call?: SearchCallOptions): Promise<SearchResult>;
}

/**
 * Step-level beam search over the same ports, producing the same records as MCTS: each level
 * expands every beam node (n candidates each, in parallel), ranks the new non-terminal children
 * by PPM score and keeps the best `beamWidth`. Answers are graded and back-propagated as in MCTS,
 * so extraction works on its records too. Needs a reward port (the ranking is the PPM's).
 */
export function createBeamSearch(ports: SearchPorts, options: BeamOptions = {}): BeamEngine {
  const compiled = compileBeamOptions(options);
  if (ports.reward === undefined) {
    throw new InvalidInputError(
      'beam search ranks candidates with the PPM: it needs a reward port',
      {
        field: 'ports.reward',
      },
    );
  }
  return {
    options: compiled,
    search: (problem, call = {}) => runBeam(ports, compiled, problem, call.signal),
  };
}

async function runBeam(
  ports: SearchPorts,
  options: CompiledBeamOptions,
  input: SearchProblem,
  userSignal: AbortSignal | undefined,
): Promise<SearchResult> {
  const problem = normalizeProblem(input);
  const failure = new AbortController();
  const ctx = createSearchContext(ports, options, problem, true, userSignal, failure);
  const budget = options.maxExpansions ?? Infinity;
  let beams: SearchNode[] = [ctx.tree.root];
  try {
    while (beams.length > 0 && ctx.stats.expansions < budget) {
      throwIfCancelled(ctx);
      const level = beams.slice(0, Math.max(0, budget - ctx.stats.expansions));
      const drafts = await settleAll(
        level.map((node) => prepareExpansion(ctx, node)),
        failure,
      );
      // Applied in beam order whatever order the ports answered in, so the tree (and the float
      // sums in its values) does not depend on timing.
      const children = drafts.flatMap((draft) => applyExpansion(ctx, draft));
      beams = rankByPpm(children.filter(isSelectable)).slice(0, options.beamWidth);
    }
  } catch (err) {
    if (userSignal?.aborted === true && !(err instanceof SearchCancelledError)) {
      throw new SearchCancelledError('search cancelled', { cause: userSignal.reason });
    }
    throw err;
  }
  return { problem, settings: settingsOf(options), stats: ctx.stats, tree: ctx.tree };
}

/**
 * Like Promise.all, but cancels the siblings of the first failure and waits for them to settle,
 * then throws that first failure (not one of the cancellations it caused).
 */
async function settleAll<T>(promises: Promise<T>[], failure: AbortController): Promise<T[]> {
  let first = undefined as { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    promises.map((p) =>
      p.catch((error: unknown) => {
        first ??= { error };
        failure.abort(error);
        throw error;
      }),
    ),
  );
  if (first !== undefined) throw first.error;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** Below any PPM score, for a node that was somehow not scored. */
const UNSCORED = -2;

/** Highest PPM score first; ties keep expansion order (Array.prototype.sort is stable). */
function rankByPpm(nodes: SearchNode[]): SearchNode[] {
  return [...nodes].sort((a, b) => (b.ppm ?? UNSCORED) - (a.ppm ?? UNSCORED));
}

function settingsOf(options: CompiledBeamOptions): SearchSettings {
  return {
    algorithm: 'beam',
    qRule: options.qRule,
    candidates: options.candidates,
    maxDepth: options.maxDepth,
    seed: options.seed,
    collapseAnswers: options.collapseAnswers,
    errorsThreshold: options.errorsThreshold,
    beamWidth: options.beamWidth,
    maxExpansions: options.maxExpansions,
  };
}
