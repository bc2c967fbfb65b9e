import type { Adapter } from './adapter';
import { boxedAnswer } from './boxed';
import { has, requireText, sourceIdOf } from './fields';

/** NuminaMath-CoT / -TIR: `problem`, `solution` (boxed answer), `source` subset, `messages`. */
export const numinaAdapter: Adapter = {
  name: 'numina',
  // `messages` (a chat log repeating the solution) is only looked at, never decoded from Parquet.
  required: ['problem', 'solution'],
  fields: ['problem', 'solution', 'source'],
  fits: (row) =>
    has(row, 'problem') && has(row, 'solution') && (has(row, 'messages') || has(row, 'source')),
  map(row, at) {
    const problem = requireText(row, 'problem', at);
    const answer = boxedAnswer(requireText(row, 'solution', at), 'solution', at);
    const subset = typeof row.source === 'string' && row.source !== '' ? row.source : undefined;
    return { problem, answer, sourceId: sourceIdOf(row), subset };
  },
};
