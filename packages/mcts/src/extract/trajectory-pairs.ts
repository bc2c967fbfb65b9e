import type { CompiledExtractionOptions } from './options';
import { keepPair, type PairFilterCounts } from './pair-filter';
import type { RecordTree } from './record-tree';
import type { PairRow } from './rows';
import { rankingOf } from './ranking';
import type { Trajectory } from './trajectories';

/**
 * The paper's relaxed rule for the final step: the top correct trajectories by mean step Q
 * paired with the bottom wrong-answer trajectories, the prompt being the question prompt only.
 * (Not in rStar's released extractor, which emits only shared-prefix step pairs.)
 */
export function trajectoryPairs(
  tree: RecordTree,
  trajectories: readonly Trajectory[],
  options: CompiledExtractionOptions,
  counts: PairFilterCounts,
): PairRow[] {
  const ranking = rankingOf(tree, options);
  const correct = trajectories.filter((t) => t.correct).sort(ranking.best);
  const wrong = trajectories.filter((t) => !t.correct).sort(ranking.worst);
  if (correct.length === 0 || wrong.length === 0) return [];
  const chosen = correct.slice(0, width(wrong.length, options));
  const rejected = wrong.slice(0, width(correct.length, options));
  const rows: PairRow[] = [];
  for (const c of chosen) {
    for (const r of rejected) {
      const kept = keepPair(
        { q: c.meanQ, text: c.completion },
        { q: r.meanQ, text: r.completion },
        options,
        counts,
      );
      if (!kept) continue;
      rows.push({
        prompt: tree.record.prompt,
        chosen: c.completion,
        rejected: r.completion,
        problem_id: tree.record.problemId,
        kind: 'trajectory',
        node_id: tree.record.nodes[0]?.id ?? '0',
        chosen_id: c.leaf.id,
        rejected_id: r.leaf.id,
        chosen_q: c.meanQ,
        rejected_q: r.meanQ,
        margin: c.meanQ - r.meanQ,
        pos_count: chosen.length,
        neg_count: rejected.length,
      });
    }
  }
  return rows;
}

function width(otherSide: number, options: CompiledExtractionOptions): number {
  return otherSide === 1 ? options.singleSideWidth : options.pairSideWidth;
}
