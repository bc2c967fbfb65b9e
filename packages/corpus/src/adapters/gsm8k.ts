import { CorpusRecordError } from '../reject';
import type { Adapter } from './adapter';
import { has, requireText, sourceIdOf } from './fields';

const MARK = '####';

/** GSM8K: `question`, `answer` = reasoning then `#### N`; N keeps no thousands separators. */
export const gsm8kAdapter: Adapter = {
  name: 'gsm8k',
  required: ['question', 'answer'],
  fields: ['question', 'answer'],
  fits: (row) =>
    has(row, 'question') && typeof row.answer === 'string' && row.answer.includes(MARK),
  map(row, at) {
    const problem = requireText(row, 'question', at);
    const worked = requireText(row, 'answer', at);
    const mark = worked.lastIndexOf(MARK);
    const answer = mark === -1 ? '' : worked.slice(mark + MARK.length).trim();
    if (answer === '') {
      throw new CorpusRecordError('no-answer', 'has no final answer after "####"', {
        source: at.file,
        line: at.line,
        field: 'answer',
      });
    }
    return {
      problem,
      answer: answer.replace(/(\d),(?=\d{3}\b)/g, '$1'),
      sourceId: sourceIdOf(row),
    };
  },
};
