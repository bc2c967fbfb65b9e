import type { SearchNode } from '../tree/node';
import { isSelectable } from '../tree/node';
import { propagateExhaustion } from '../tree/exhaustion';
import { throwIfCancelled, type SearchContext } from './context';
import { expandNode } from './expansion';
import { selectChild, type SelectionRule } from './select';

/** Expansions in flight, by node: a rollout reaching one awaits it instead of expanding twice. */
export type PendingExpansions = Map<SearchNode, Promise<unknown>>;

/**
 * One rollout, as rStar's solver runs it: from the root, expand the current node if it has no
 * children (answers are graded and back-propagated as they are created), then descend into the
 * best selectable child; stop when nothing is selectable (the node is then exhausted) or the
 * node became terminal. There is no separate simulation policy: "simulation" is expansion down
 * to a terminal. Every node on the path carries one virtual loss while the rollout runs.
 */
export async function rollout(
  ctx: SearchContext,
  rule: SelectionRule,
  pending: PendingExpansions,
): Promise<void> {
  const path: SearchNode[] = [];
  const enter = (node: SearchNode): void => {
    node.virtualLoss += 1;
    path.push(node);
  };
  try {
    let node = ctx.tree.root;
    enter(node);
    while (isSelectable(node)) {
      if (node.children.length === 0) {
        await expandOnce(ctx, node, pending);
        throwIfCancelled(ctx);
        if (!isSelectable(node)) break;
      }
      const child = selectChild(node, rule);
      if (child === null) {
        // Unreachable while every change that closes a node propagates exhaustion (it does);
        // kept so that a broken invariant ends the rollout instead of looping.
        propagateExhaustion(node);
        break;
      }
      enter(child);
      node = child;
    }
  } finally {
    for (const node of path) node.virtualLoss -= 1;
  }
}

async function expandOnce(
  ctx: SearchContext,
  node: SearchNode,
  pending: PendingExpansions,
): Promise<void> {
  const inFlight = pending.get(node);
  if (inFlight !== undefined) {
    await inFlight;
    return;
  }
  const expansion = expandNode(ctx, node);
  pending.set(node, expansion);
  try {
    await expansion;
  } finally {
    pending.delete(node);
  }
}
