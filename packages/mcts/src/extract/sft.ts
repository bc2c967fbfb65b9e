import type { SftRow } from './rows';
import type { CompiledExtractionOptions } from './options';
import type { RecordTree } from './record-tree';
import { rankingOf } from './ranking';
import type { Trajectory } from './trajectories';

/**
 * SFT rows: the top `sftPerProblem` correct trajectories by mean step Q, ties by min Q (paper
 * §3.3; rStar's sampler sorts the same way), then, with `sftDropErrorText`, without those whose
 * completion mentions "error" (rStar's sampler filters after choosing, so nothing replaces them).
 */
export function sftRows(
  tree: RecordTree,
  trajectories: readonly Trajectory[],
  options: CompiledExtractionOptions,
): SftRow[] {
  return trajectories
    .filter((t) => t.correct)
    .sort(rankingOf(tree, options).best)
    .slice(0, options.sftPerProblem)
    .filter((t) => !options.sftDropErrorText || !/error/i.test(t.completion))
    .map((t) => ({
      prompt: tree.record.prompt,
      completion: t.completion,
      problem_id: tree.record.problemId,
      leaf_id: t.leaf.id,
      mean_q: t.meanQ,
      min_q: t.minQ,
    }));
}
