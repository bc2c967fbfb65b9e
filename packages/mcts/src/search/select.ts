import type { SearchNode } from '../tree/node';
import { isSelectable } from '../tree/node';

/**
 * How an unvisited child scores. `zero` is rStar's released code (issue #32: deliberate, so
 * higher-Q siblings are tried before unexplored ones): when N(s) = 0 or N(parent) = 0 the
 * exploration term is 0 and Q = 0. `infinite` is textbook UCT: an unvisited child is tried first.
 */
export type UnvisitedRule = 'zero' | 'infinite';

export interface SelectionRule {
  /** Exploration constant (rStar: 2). */
  c: number;
  unvisited: UnvisitedRule;
}

/**
 * UCT(s) = Q(s) + c·sqrt(ln N(parent) / N(s)), Q = q/N. Virtual loss counts each rollout in
 * flight through a node as one extra visit that lost (value −1), so concurrent rollouts spread
 * over the tree instead of piling onto the same path.
 *
 * Under the zero rule, whether the exploration term applies is decided on the real counts: a
 * virtual visit must not turn an unvisited child (score 0, no bonus) into a "visited" one with a
 * bonus, or virtual loss would attract concurrent rollouts instead of repelling them. An
 * unvisited child in flight therefore scores −1 (all loss, no bonus).
 */
export function uctScore(child: SearchNode, parent: SearchNode, rule: SelectionRule): number {
  const n = child.n + child.virtualLoss;
  const parentN = parent.n + parent.virtualLoss;
  if (n === 0) return rule.unvisited === 'zero' ? 0 : Infinity;
  const q = (child.q - child.virtualLoss) / n;
  const explore =
    rule.unvisited === 'zero' ? child.n > 0 && parent.n > 0 && parentN > 1 : parentN > 1;
  return explore ? q + rule.c * Math.sqrt(Math.log(parentN) / n) : q;
}

/** The best selectable child; ties go to the first (rStar); null when none is selectable. */
export function selectChild(parent: SearchNode, rule: SelectionRule): SearchNode | null {
  let best: SearchNode | null = null;
  let bestScore = -Infinity;
  for (const child of parent.children) {
    if (!isSelectable(child)) continue;
    const score = uctScore(child, parent, rule);
    if (best === null || score > bestScore) {
      best = child;
      bestScore = score;
    }
  }
  return best;
}
