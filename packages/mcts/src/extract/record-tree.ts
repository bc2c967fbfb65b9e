import type { SearchRecord, SearchRecordNode } from '@rstar-fleet/protocol';
import { qValue } from '../tree/node';

/** A read-only view of a stored tree for extraction: children, prefixes, outcome counts. */
export interface RecordTree {
  readonly record: SearchRecord;
  /** Record order (breadth-first: parents before children). */
  readonly order: ReadonlyMap<string, number>;
  children(id: string): readonly SearchRecordNode[];
  /** Nodes from the root's first child down to `id`. */
  steps(id: string): SearchRecordNode[];
  /** Root prompt plus every step down to `id` (the root's prefix is the prompt). */
  prefix(id: string): string;
  /** Correct-answer leaves at or below the node. */
  correctBelow(id: string): number;
  /** Wrong-answer leaves at or below the node; failed code or invalid leaves do not count. */
  wrongBelow(id: string): number;
  q(node: SearchRecordNode): number;
}

export function indexRecord(record: SearchRecord): RecordTree {
  const byId = new Map<string, SearchRecordNode>();
  const order = new Map<string, number>();
  const kids = new Map<string, SearchRecordNode[]>();
  const correct = new Map<string, number>();
  const wrong = new Map<string, number>();
  record.nodes.forEach((node, i) => {
    byId.set(node.id, node);
    order.set(node.id, i);
    if (node.parent !== null) {
      const list = kids.get(node.parent);
      if (list === undefined) kids.set(node.parent, [node]);
      else list.push(node);
    }
  });
  // Children come after their parents, so one reverse pass sums outcomes bottom-up.
  for (let i = record.nodes.length - 1; i >= 0; i--) {
    const node = record.nodes[i] as SearchRecordNode;
    const c = (correct.get(node.id) ?? 0) + (node.correct === true ? 1 : 0);
    const w = (wrong.get(node.id) ?? 0) + (node.correct === false ? 1 : 0);
    correct.set(node.id, c);
    wrong.set(node.id, w);
    if (node.parent !== null) {
      correct.set(node.parent, (correct.get(node.parent) ?? 0) + c);
      wrong.set(node.parent, (wrong.get(node.parent) ?? 0) + w);
    }
  }
  const steps = (id: string): SearchRecordNode[] => {
    const out: SearchRecordNode[] = [];
    for (let at = byId.get(id); at !== undefined && at.parent !== null; at = byId.get(at.parent)) {
      out.push(at);
    }
    return out.reverse();
  };
  return {
    record,
    order,
    children: (id) => kids.get(id) ?? [],
    steps,
    prefix: (id) =>
      record.prompt +
      steps(id)
        .map((s) => s.text)
        .join(''),
    correctBelow: (id) => correct.get(id) ?? 0,
    wrongBelow: (id) => wrong.get(id) ?? 0,
    q: qValue,
  };
}
