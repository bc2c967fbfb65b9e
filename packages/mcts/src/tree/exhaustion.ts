import type { SearchNode } from './node';
import { isSelectable } from './node';

/**
 * Marks `node` exhausted when it has children and none is selectable, then does the same for
 * its ancestors. rStar discovers this lazily (a later rollout arrives and finds nothing to
 * select); doing it eagerly means no rollout is spent rediscovering it, and a fully explored
 * tree ends the search early.
 */
export function propagateExhaustion(node: SearchNode | null): void {
  for (let at = node; at !== null; at = at.parent) {
    if (!isSelectable(at) || at.children.length === 0) return;
    if (at.children.some(isSelectable)) return;
    at.exhausted = true;
  }
}
