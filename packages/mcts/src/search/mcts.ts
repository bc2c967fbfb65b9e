import type { SearchSettings } from '@rstar-fleet/protocol';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { SearchCancelledError } from '../errors';
import {
  compileMctsOptions,
  type CompiledMctsOptions,
  type MctsOptions,
} from '../options/mcts-options';
import type { SearchPorts } from '../ports';
import { isSelectable } from '../tree/node';
import { createSearchContext } from './context';
import { normalizeProblem, type SearchProblem } from './problem';
import type { SearchResult } from './result';
import { rollout, type PendingExpansions } from './rollout';

export interface SearchCallOptions {
  /** Cancels the search: in-flight port calls get the signal, the search rejects. */
  signal?: AbortSignal;
  /**
   * Awaited before each rollout starts. A host that runs many searches in lock-step (rStar's
   * released loop: every tree's rollout r before any tree's rollout r + 1) holds them here.
   */
  beforeRollout?: () => Promise<void>;
}

export interface MctsEngine {
  readonly options: CompiledMctsOptions;
  /** Searches one problem; rejects with SearchCancelledError, PortError or InvalidInputError. */
  search(problem: SearchProblem, call?: SearchCallOptions): Promise<SearchResult>;
}

/**
 * An MCTS engine over injected ports, options validated once. One engine serves any number of
 * problems and concurrent searches (it keeps no state between searches).
 */
export function createMcts(ports: SearchPorts, options: MctsOptions = {}): MctsEngine {
  const compiled = compileMctsOptions(options);
  if (compiled.qRule === 'ppm' && ports.reward === undefined) {
    throw new InvalidInputError('the ppm Q rule needs a reward port', { field: 'ports.reward' });
  }
  return {
    options: compiled,
    search: (problem, call = {}) => runMcts(ports, compiled, problem, call),
  };
}

async function runMcts(
  ports: SearchPorts,
  options: CompiledMctsOptions,
  input: SearchProblem,
  call: SearchCallOptions,
): Promise<SearchResult> {
  const userSignal = call.signal;
  const problem = normalizeProblem(input);
  if (problem.reference === null && ports.reward === undefined) {
    throw new InvalidInputError('test-time search (no reference) needs a reward port', {
      field: 'ports.reward',
    });
  }
  const failure = new AbortController();
  const ctx = createSearchContext(
    ports,
    options,
    problem,
    options.qRule === 'ppm',
    userSignal,
    failure,
  );
  const { signal } = ctx;
  const rule = { c: options.c, unvisited: options.unvisited };
  const pending: PendingExpansions = new Map();
  // Failures in the order they happened; the first one is the search's error.
  const failures: unknown[] = [];

  const worker = async (): Promise<void> => {
    let sinceYield = 0;
    while (ctx.stats.rollouts < options.rollouts && isSelectable(ctx.tree.root)) {
      if (signal.aborted) return;
      if (call.beforeRollout !== undefined) {
        await call.beforeRollout();
        if (signal.aborted) return;
      }
      ctx.stats.rollouts += 1;
      await rollout(ctx, rule, pending);
      if (options.yieldEvery > 0 && ++sinceYield >= options.yieldEvery) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  };
  const guardedWorker = async (): Promise<void> => {
    try {
      await worker();
    } catch (err) {
      // The first failure wins; the others are usually its echo (cancelled port calls).
      failures.push(err);
      failure.abort(err);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, guardedWorker));

  if (userSignal?.aborted === true) {
    throw failures[0] instanceof SearchCancelledError
      ? failures[0]
      : new SearchCancelledError('search cancelled', { cause: userSignal.reason });
  }
  if (failures.length > 0) throw failures[0];
  return { problem, settings: settingsOf(options), stats: ctx.stats, tree: ctx.tree };
}

/**
 * A macrotask turn, so that a search over instant ports lets its host's timers and I/O run.
 * The engine's only use of a scheduling primitive; no time is measured or waited for.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function settingsOf(options: CompiledMctsOptions): SearchSettings {
  return {
    algorithm: 'mcts',
    qRule: options.qRule,
    candidates: options.candidates,
    maxDepth: options.maxDepth,
    seed: options.seed,
    collapseAnswers: options.collapseAnswers,
    errorsThreshold: options.errorsThreshold,
    rollouts: options.rollouts,
    c: options.c,
    unvisited: options.unvisited,
    concurrency: options.concurrency,
  };
}
