import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainGrade } from './index';

/** The independently written, hand-labelled table (see __fixtures__/README.md). */
interface Pair {
  pred: string;
  ref: string;
  equal: boolean;
  category: string;
  why: string;
}

const pairs: Pair[] = readFileSync(join(__dirname, '__fixtures__', 'labelled-pairs.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Pair);

const byCategory = new Map<string, Pair[]>();
for (const p of pairs) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);

describe('labelled pairs', () => {
  it('loads the table', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(200);
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
