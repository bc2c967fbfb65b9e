import type { Adapter } from './adapter';
import { boxedAnswer } from './boxed';
import { has, pickMeta, requireText, sourceIdOf } from './fields';

/** MATH (Hendrycks) and Minerva math: `problem`, `solution` with a boxed answer, `type`/`level`. */
export const mathAdapter: Adapter = {
  name: 'math',
  required: ['problem', 'solution'],
  fields: ['problem', 'solution', 'type', 'level', 'idx', 'unique_id'],
  fits: (row) => has(row, 'problem') && has(row, 'solution'),
  map(row, at) {
    const problem = requireText(row, 'problem', at);
    const answer = boxedAnswer(requireText(row, 'solution', at), 'solution', at);
    return { problem, answer, sourceId: sourceIdOf(row), meta: pickMeta(row, ['type', 'level']) };
  },
};
