import type { SearchRecord } from '@rstar-fleet/protocol';
import { qValue } from './tree/node';

/**
 * How test-time search picks its answer from the answer nodes of one or more trees.
 * - `best`: the answer node with the highest Q (at test time: its PPM score), rStar's per-run
 *   choice;
 * - `vote`: the most frequent answer;
 * - `weighted-vote`: answers weighted by (Q + 1) / 2, so a PPM score of −1 counts for nothing.
 * Answers are compared as trimmed strings; ties go to the answer seen first.
 */
export type AnswerSelection = 'best' | 'vote' | 'weighted-vote';

export interface SelectedAnswer {
  answer: string;
  /** The winning Q, vote count or weight. */
  score: number;
  /** Answer nodes that gave this answer. */
  support: number;
}

export function selectAnswer(
  records: SearchRecord | readonly SearchRecord[],
  method: AnswerSelection = 'best',
): SelectedAnswer | null {
  const list: readonly SearchRecord[] = Array.isArray(records)
    ? records
    : [records as SearchRecord];
  const tally = new Map<string, SelectedAnswer>();
  for (const record of list) {
    for (const node of record.nodes) {
      if (node.terminal !== 'answer' || node.answer === undefined) continue;
      const answer = node.answer.trim();
      const q = qValue(node);
      const gain = method === 'best' ? q : method === 'vote' ? 1 : (q + 1) / 2;
      const entry = tally.get(answer);
      if (entry === undefined) {
        tally.set(answer, { answer, score: gain, support: 1 });
      } else {
        entry.support += 1;
        entry.score = method === 'best' ? Math.max(entry.score, gain) : entry.score + gain;
      }
    }
  }
  let best: SelectedAnswer | null = null;
  for (const entry of tally.values()) if (best === null || entry.score > best.score) best = entry;
  return best;
}
