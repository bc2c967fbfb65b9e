/**
 * Dataset rows, in the shapes trainers read directly: SFT as `{prompt, completion}` (TRL
 * SFTTrainer prompt-completion format, LLaMA-Factory with a column mapping) and preference pairs
 * as `{prompt, chosen, rejected}` (TRL RewardTrainer/DPOTrainer, OpenRLHF, LLaMA-Factory
 * ranking data). Extra snake_case fields carry ids and margins; trainers ignore them.
 */

export interface SftRow {
  prompt: string;
  completion: string;
  problem_id: string;
  /** Id of the answer node that ends the trajectory. */
  leaf_id: string;
  mean_q: number;
  min_q: number;
}

export interface PairRow {
  /** Shared prefix: the root prompt plus the steps before the differing step. */
  prompt: string;
  chosen: string;
  rejected: string;
  problem_id: string;
  /** `step`: sibling steps under a shared prefix; `trajectory`: whole solutions (final step). */
  kind: 'step' | 'trajectory';
  /** The shared-prefix node for step pairs; the root for trajectory pairs. */
  node_id: string;
  chosen_id: string;
  rejected_id: string;
  /** Q of the steps (step pairs) or mean step Q of the trajectories (trajectory pairs). */
  chosen_q: number;
  rejected_q: number;
  margin: number;
  /**
   * rStar's pair weight inputs (`train/rm.py`: each pair's loss × 1/(pos_count·neg_count)): the
   * chosen-side and rejected-side candidates taken at this pair's node, i.e. the top-Q children
   * with a correct-answer descendant (`pos_count`) and the bottom-Q children with a wrong-answer
   * descendant (`neg_count`) after the side widths, counted before the margin and edit-distance
   * filters, as rStar's `extra_rm_file.py` writes them and `sample_rm_data.py` keeps them. For
   * trajectory pairs: the correct and wrong trajectories taken. Both ≥ 1 on every row; the
   * node's pairs then weigh at most 1 in total (2 × 2 → 1/4 each).
   */
  pos_count: number;
  neg_count: number;
}

export interface ProblemStatsRow {
  problem_id: string;
  /** False for test-time records (no reference): nothing is extracted from them. */
  graded: boolean;
  solved: boolean;
  nodes: number;
  answers: number;
  correct_answers: number;
  wrong_answers: number;
  /** Code-error, invalid and depth-limit leaves (never used as negatives). */
  failed_leaves: number;
  /** correct / (correct + wrong) answers; the paper drops synthetic problems below 0.5. */
  correct_share: number;
  sft_rows: number;
  step_pairs: number;
  trajectory_pairs: number;
  pairs_below_margin: number;
  pairs_too_similar: number;
}

export interface ProblemDataset {
  sft: SftRow[];
  pairs: PairRow[];
  stats: ProblemStatsRow;
}
