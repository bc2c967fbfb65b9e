import type { Adapter } from './adapter';
import { has, pickMeta, requireAnswer, requireText, sourceIdOf } from './fields';

/**
 * `{id?, problem, answer}`: our own format, and the answer-key layout of the AIME 2024 and AMC
 * 2023 sets (`id`, `problem`, `answer` as a string or a number, plus `solution`, `url`).
 */
export const plainAdapter: Adapter = {
  name: 'plain',
  required: ['problem', 'answer'],
  fields: ['id', 'problem', 'answer', 'url'],
  fits: (row) => has(row, 'problem') && has(row, 'answer'),
  map(row, at) {
    const problem = requireText(row, 'problem', at);
    const answer = requireAnswer(row, 'answer', at);
    return {
      problem,
      answer: answer.trim(),
      sourceId: sourceIdOf(row),
      meta: pickMeta(row, ['url', 'level', 'type', 'difficulty']),
    };
  },
};
