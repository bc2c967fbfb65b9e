import { extractAnswer } from '@rstar-fleet/grader';
import { CorpusRecordError } from '../reject';
import type { RowAt } from './fields';

const BOX = /\\(?:boxed|fbox)(?![a-zA-Z])/;

/**
 * The reference answer of a worked solution: its last `\boxed{}` (the grader's own extraction,
 * nested braces respected). A solution without a box is rejected rather than guessed from, since
 * a wrong reference answer poisons every rollout graded against it.
 */
export function boxedAnswer(solution: string, field: string, at: RowAt): string {
  const answer = BOX.test(solution) ? extractAnswer(solution) : null;
  if (answer === null || answer.trim() === '') {
    throw new CorpusRecordError('no-answer', 'has no \\boxed{} answer', {
      source: at.file,
      line: at.line,
      field,
    });
  }
  return answer.trim();
}
