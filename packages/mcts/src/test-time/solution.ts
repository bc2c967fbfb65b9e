import type { SearchSettings } from '@rstar-fleet/protocol';
import type { CompiledExpansionOptions } from '../options/expansion-options';
import type { SearchPorts } from '../ports';
import { createSearchContext, throwIfCancelled } from '../search/context';
import { applyExpansion, prepareExpansion } from '../search/expansion';
import type { NormalizedProblem } from '../search/problem';
import type { SearchResult } from '../search/result';
import { isSelectable, type SearchNode } from '../tree/node';

/**
 * One full solution sampled step by step, as the policy alone would write it: one candidate per
 * step, its code executed in the sandbox, until an answer or a terminal (the same step protocol
 * and executor as the searches, so modes differ only in how they choose). With a reward port the
 * answer is scored by the PPM (best-of-N); without one it stays unscored (greedy, maj@k) and
 * back-propagates 0. The result is a one-rollout, one-candidate search record.
 */
export async function sampleSolution(
  ports: SearchPorts,
  options: CompiledExpansionOptions,
  problem: NormalizedProblem,
  signal?: AbortSignal,
): Promise<SearchResult> {
  const ctx = createSearchContext(ports, options, problem, false, signal, new AbortController());
  ctx.stats.rollouts = 1;
  let node: SearchNode | undefined = ctx.tree.root;
  while (node !== undefined) {
    throwIfCancelled(ctx);
    const draft = await prepareExpansion(ctx, node);
    for (const child of draft.children) {
      if (child.terminal === 'answer' && child.reward === null) child.reward = 0;
    }
    node = applyExpansion(ctx, draft).find(isSelectable);
  }
  const settings: SearchSettings = {
    algorithm: 'mcts',
    qRule: options.qRule,
    candidates: options.candidates,
    maxDepth: options.maxDepth,
    seed: options.seed,
    collapseAnswers: options.collapseAnswers,
    rollouts: 1,
  };
  return { problem, settings, stats: ctx.stats, tree: ctx.tree };
}
