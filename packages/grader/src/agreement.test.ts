import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainGrade } from './index';

/**
 * Agreement with the Qwen2.5-Math evaluation grader on 800 real responses (100 MATH problems ×
 * 8 samples). Every disagreement has been reviewed by hand and is listed below with who is
 * right; a new disagreement (a regression, or a fix) fails the test until it is reviewed.
 */
const DATA = join(__dirname, '../../../../shared/data/grader/qwen25-math-cot-100.jsonl');

interface Row {
  idx: number;
  gt: string;
  code: string[];
  score: boolean[];
}

/** `idx:sample` → why our verdict differs from the reference grader's (we are right in all). */
const REVIEWED: Record<string, string> = {
  ...Object.fromEntries(
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [
      `3:${i}`,
      'answer 4:30 p.m.; gt "4:30p.." is "4:30 p.m." after strip_string deleted the unit-like "m": the reference says false, the response is right',
    ]),
  ),
  '72:7':
    'boxed 10000 against gt "10{,}000": the reference grader does not read the {,} thousands separator; 10000 is right',
};

describe('agreement with the reference grader on real model outputs', () => {
  const rows: Row[] = readFileSync(DATA, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);

  const verdicts = rows.flatMap((row) =>
    row.code.map((response, i) => ({
      id: `${row.idx}:${i}`,
      ours: explainGrade(response, row.gt).equal,
      theirs: row.score[i] === true,
    })),
  );
  const disagreements = verdicts.filter((v) => v.ours !== v.theirs).map((v) => v.id);

  it('grades all 800 responses', () => {
    expect(verdicts).toHaveLength(800);
  });

  it('disagrees exactly on the reviewed pairs', () => {
    expect(disagreements.sort()).toEqual(Object.keys(REVIEWED).sort());
  });

  it('agrees on at least 99% once the reviewed reference errors are corrected', () => {
    const corrected = verdicts.filter((v) => (v.id in REVIEWED ? !v.theirs : v.theirs) === v.ours);
    expect(corrected.length / verdicts.length).toBeGreaterThanOrEqual(0.99);
    // Raw agreement with the reference grader's own verdicts: 791/800 = 98.9%.
    expect(verdicts.length - disagreements.length).toBe(791);
  });
});
