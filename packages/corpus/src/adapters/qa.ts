import type { Adapter } from './adapter';
import { has, pickMeta, requireAnswer, requireText, sourceIdOf } from './fields';

/** `question` + a final `answer` (Gaokao 2023 EN: LaTeX answers, `source` path, optional `id`). */
export const qaAdapter: Adapter = {
  name: 'qa',
  required: ['question', 'answer'],
  fields: ['question', 'answer', 'id', 'source'],
  fits: (row) => has(row, 'question') && has(row, 'answer'),
  map(row, at) {
    const problem = requireText(row, 'question', at);
    const answer = requireAnswer(row, 'answer', at);
    return {
      problem,
      answer: answer.trim(),
      sourceId: sourceIdOf(row),
      meta: pickMeta(row, ['source']),
    };
  },
};
