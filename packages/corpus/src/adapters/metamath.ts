import { CorpusRecordError } from '../reject';
import type { Adapter } from './adapter';
import { has, pickMeta, requireText } from './fields';

/** MetaMathQA ends every response with "The answer is: X" (sometimes without the colon). */
const ANSWER_LINE = /The answer is:?\s*([^\n]+?)\s*\.?\s*$/;

/** MetaMathQA: `query`, `response` ending in "The answer is: …", `type`. */
export const metamathAdapter: Adapter = {
  name: 'metamath',
  required: ['query', 'response'],
  fields: ['query', 'response', 'type', 'original_question'],
  fits: (row) => has(row, 'query') && has(row, 'response'),
  map(row, at) {
    const problem = requireText(row, 'query', at);
    const response = requireText(row, 'response', at);
    const answer = ANSWER_LINE.exec(response.trimEnd())?.[1]?.trim();
    if (answer === undefined || answer === '') {
      throw new CorpusRecordError('no-answer', 'does not end with "The answer is: …"', {
        source: at.file,
        line: at.line,
        field: 'response',
      });
    }
    return { problem, answer, meta: pickMeta(row, ['type']) };
  },
};
