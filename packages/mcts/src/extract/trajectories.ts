import type { SearchRecordNode } from '@rstar-fleet/protocol';
import type { RecordTree } from './record-tree';

/** A root-to-answer path of a graded tree. */
export interface Trajectory {
  leaf: SearchRecordNode;
  steps: SearchRecordNode[];
  completion: string;
  correct: boolean;
  meanQ: number;
  minQ: number;
}

/** Every graded answer leaf's trajectory, in record order. */
export function trajectoriesOf(tree: RecordTree): Trajectory[] {
  const out: Trajectory[] = [];
  for (const leaf of tree.record.nodes) {
    if (leaf.terminal !== 'answer' || leaf.correct === undefined) continue;
    const steps = tree.steps(leaf.id);
    const qs = steps.map((s) => tree.q(s));
    out.push({
      leaf,
      steps,
      completion: steps.map((s) => s.text).join(''),
      correct: leaf.correct,
      meanQ: qs.reduce((a, b) => a + b, 0) / qs.length,
      minQ: Math.min(...qs),
    });
  }
  return out;
}

/** Best first: mean step Q, then min step Q (the paper's tie-break), then record order. */
export function bestFirst(tree: RecordTree): (a: Trajectory, b: Trajectory) => number {
  return (a, b) => b.meanQ - a.meanQ || b.minQ - a.minQ || orderOf(tree, a) - orderOf(tree, b);
}

/** Worst first: the mirror of `bestFirst` for the rejected side. */
export function worstFirst(tree: RecordTree): (a: Trajectory, b: Trajectory) => number {
  return (a, b) => a.meanQ - b.meanQ || a.minQ - b.minQ || orderOf(tree, a) - orderOf(tree, b);
}

function orderOf(tree: RecordTree, t: Trajectory): number {
  return tree.order.get(t.leaf.id) ?? 0;
}
