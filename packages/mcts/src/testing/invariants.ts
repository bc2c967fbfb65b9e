import type { SearchRecord, SearchRecordNode } from '@rstar-fleet/protocol';
import { qValue } from '../tree/node';

/** Float slack for comparing sums of rewards. */
const EPS = 1e-9;

/**
 * Checks a finished search's record against the rules the engine must keep, and returns every
 * violation (empty = consistent). Used by the property tests; usable on stored records too.
 * - N and q of every node equal its local value (failed terminal −1, or the PPM initial value
 *   under the `ppm` rule) plus one visit and the reward of every answer terminal below it;
 * - Q stays within [−1, 1];
 * - terminal nodes have no children; exhausted nodes have children, none selectable; an open
 *   node with children has a selectable child;
 * - ids are `parent.index`, depths within maxDepth + 1 (the answer after maxDepth code steps).
 */
export function checkRecordInvariants(record: SearchRecord): string[] {
  const problems: string[] = [];
  const kids = new Map<string, SearchRecordNode[]>();
  for (const node of record.nodes) {
    if (node.parent === null) continue;
    const list = kids.get(node.parent) ?? [];
    list.push(node);
    kids.set(node.parent, list);
  }
  const graded = record.reference !== null;
  const ppmRule = record.search.qRule === 'ppm';
  const below = new Map<string, { visits: number; reward: number }>();
  for (let i = record.nodes.length - 1; i >= 0; i--) {
    const node = record.nodes[i] as SearchRecordNode;
    const children = kids.get(node.id) ?? [];
    let visits = 0;
    let reward = 0;
    for (const child of children) {
      const sub = below.get(child.id) ?? { visits: 0, reward: 0 };
      visits += sub.visits;
      reward += sub.reward;
    }
    let localN = 0;
    let localQ = 0;
    if (node.terminal === 'answer') {
      const r = graded ? (node.correct === true ? 1 : -1) : (node.ppm ?? NaN);
      visits += 1;
      reward += r;
    } else if (node.terminal !== undefined) {
      localN = 1;
      localQ = -1;
    } else if (ppmRule && node.ppm !== undefined) {
      localN = 1;
      localQ = node.ppm;
    }
    below.set(node.id, { visits, reward });
    const at = `node ${node.id}`;
    if (node.n !== localN + visits)
      problems.push(`${at}: n=${node.n}, expected ${localN + visits}`);
    if (Math.abs(node.q - (localQ + reward)) > EPS) {
      problems.push(`${at}: q=${node.q}, expected ${localQ + reward}`);
    }
    const q = qValue(node);
    if (q < -1 - EPS || q > 1 + EPS) problems.push(`${at}: Q=${q} outside [-1, 1]`);
    if (node.terminal !== undefined && children.length > 0)
      problems.push(`${at}: terminal with children`);
    const selectable = children.filter((c) => c.terminal === undefined && c.exhausted !== true);
    if (node.exhausted === true && (children.length === 0 || selectable.length > 0)) {
      problems.push(`${at}: exhausted but has no children or a selectable child`);
    }
    if (
      node.terminal === undefined &&
      node.exhausted !== true &&
      children.length > 0 &&
      selectable.length === 0
    ) {
      problems.push(`${at}: open with children but none selectable`);
    }
    children.forEach((child, index) => {
      if (child.id !== `${node.id}.${index}`)
        problems.push(`node ${child.id}: not ${node.id}.${index}`);
    });
    if (node.depth > record.search.maxDepth + 1) problems.push(`${at}: deeper than maxDepth + 1`);
  }
  return problems;
}
