/**
 * The answer one run contributes (rStar `record_intermediate_metric`: the answer node with the
 * highest PPM value). `score` is that PPM score; null for a solution sampled without a PPM
 * (greedy, maj@k), where only the answer counts.
 */
export interface RunAnswer {
  /** Run index within the problem (0-based); its seed is the options' seed + run. */
  readonly run: number;
  readonly answer: string;
  readonly score: number | null;
  /** Path id of the answer node in the run's tree (its trajectory is the path to it). */
  readonly nodeId: string;
}

/** What a node of a live tree and of a stored record both carry (SearchNode, SearchRecordNode). */
export interface AnswerNodeLike {
  readonly id: string;
  readonly terminal?: string | null | undefined;
  readonly answer?: string | null | undefined;
  readonly ppm?: number | null | undefined;
}

/**
 * The run's answer: among its answer terminals, the one with the highest PPM score; without
 * scores, the first answer found. Ties keep the first in the order given (breadth-first in
 * records), so the choice is deterministic. Null when the run reached no answer.
 */
export function bestAnswerOf(run: number, nodes: Iterable<AnswerNodeLike>): RunAnswer | null {
  let best: RunAnswer | null = null;
  for (const node of nodes) {
    if (node.terminal !== 'answer' || node.answer === undefined || node.answer === null) continue;
    const score = node.ppm ?? null;
    if (best === null || (score ?? -Infinity) > (best.score ?? -Infinity)) {
      best = { run, answer: node.answer, score, nodeId: node.id };
    }
  }
  return best;
}
