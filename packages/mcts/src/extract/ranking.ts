import { hash32, type SearchRecordNode } from '@rstar-fleet/protocol';
import type { CompiledExtractionOptions } from './options';
import type { RecordTree } from './record-tree';
import { bestFirst, worstFirst, type Trajectory } from './trajectories';

/**
 * How candidates are ordered before the top (chosen, SFT) and bottom (rejected) are taken.
 * `q` is the method: step Q-values. `random` is a measuring control — the same candidates,
 * widths and filters, with the order a seeded hash of (seed, problem, node) — so an audit can
 * say what the Q-values add over picking any correct trajectory.
 */
export interface Ranking {
  best: (a: Trajectory, b: Trajectory) => number;
  worst: (a: Trajectory, b: Trajectory) => number;
  /** Children best first (chosen side) or worst first (rejected side). */
  nodes(nodes: readonly SearchRecordNode[], dir: 'best' | 'worst'): SearchRecordNode[];
}

export function rankingOf(tree: RecordTree, options: CompiledExtractionOptions): Ranking {
  if (options.ranking === 'q') {
    return {
      best: bestFirst(tree),
      worst: worstFirst(tree),
      // Stable sort over record-ordered children: ties keep record order.
      nodes: (nodes, dir) => {
        const sign = dir === 'worst' ? 1 : -1;
        return [...nodes].sort((a, b) => sign * (tree.q(a) - tree.q(b)));
      },
    };
  }
  const key = (id: string): number =>
    hash32(`${options.rankingSeed}/${tree.record.problemId}/${id}`);
  const byKey = (a: Trajectory, b: Trajectory): number => key(a.leaf.id) - key(b.leaf.id);
  return {
    best: byKey,
    worst: byKey,
    nodes: (nodes) => [...nodes].sort((a, b) => key(a.id) - key(b.id)),
  };
}
