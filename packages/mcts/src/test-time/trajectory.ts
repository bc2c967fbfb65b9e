import type { SearchRecord, SearchRecordNode } from '@rstar-fleet/protocol';

/**
 * The steps from the root's first child down to node `nodeId` of a stored search, oldest first
 * (the root carries the prompt, not a step). Empty when the record has no such node.
 */
export function trajectoryOf(record: SearchRecord, nodeId: string): SearchRecordNode[] {
  const byId = new Map(record.nodes.map((n) => [n.id, n]));
  const steps: SearchRecordNode[] = [];
  for (let at = byId.get(nodeId); at !== undefined && at.parent !== null;) {
    steps.push(at);
    at = byId.get(at.parent);
  }
  return steps.reverse();
}
