import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainGrade } from './index';

/** A hand-labelled pair (see __fixtures__/README.md for how labels were decided and checked). */
interface Pair {
  pred: string;
  ref: string;
  equal: boolean;
  category: string;
  why: string;
}

/**
 * The labelled tables, each asserted row by row:
 * - `labelled-pairs.jsonl`: written independently of the grader, 31 categories;
 * - `hard-pairs.jsonl`: contest notation as models and references write it, about half near
 *   misses (labels re-derived by `verify-hard-pairs.py`).
 */
const TABLES = [
  { file: 'labelled-pairs.jsonl', minRows: 500 },
  { file: 'hard-pairs.jsonl', minRows: 400 },
];

function loadTable(file: string): Pair[] {
  return readFileSync(join(__dirname, '__fixtures__', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Pair);
}

describe.each(TABLES)('$file', ({ file, minRows }) => {
  const pairs = loadTable(file);
  const byCategory = new Map<string, Pair[]>();
  for (const p of pairs) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);

  it('loads the whole table', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(minRows);
  });

  describe.each([...byCategory.keys()])('%s', (category) => {
    it.each(
      (byCategory.get(category) ?? []).map(
        (p) => [p.pred.slice(0, 80), p.ref, p.equal, p] as const,
      ),
    )('%s  vs  %s  → %s', (_pred, _ref, _equal, pair) => {
      const verdict = explainGrade(pair.pred, pair.ref);
      expect({ equal: verdict.equal, why: pair.why }).toEqual({ equal: pair.equal, why: pair.why });
    });
  });
});
