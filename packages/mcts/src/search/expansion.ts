import type { SearchNode } from '../tree/node';
import { applyExpansion } from './apply-expansion';
import type { SearchContext } from './context';
import { prepareExpansion } from './prepare-expansion';

export { applyExpansion } from './apply-expansion';
export type { ExpansionDraft } from './expansion-draft';
export { prepareExpansion } from './prepare-expansion';

/** Expands `node` now: prepare, then apply. */
export async function expandNode(ctx: SearchContext, node: SearchNode): Promise<SearchNode[]> {
  return applyExpansion(ctx, await prepareExpansion(ctx, node));
}
