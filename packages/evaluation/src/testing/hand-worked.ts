import type { EvalRunRecord } from '@rstar-fleet/protocol';
import { runRecord, toyManifest } from './fixtures';

/**
 * Three problems, four system2 runs each (top-4 plain vote), answers and PPM scores chosen so the
 * expected numbers can be worked out by hand (below, per problem).
 */
export const manifest = toyManifest(3, [
  { mode: 'system2', runs: 4 },
  { mode: 'greedy', runs: 1 },
]);

const s2 = (p: string, ref: string, answers: [string | null, number | null][]): EvalRunRecord[] =>
  answers.map(([a, s], run) => runRecord('system2', p, ref, run, a, s));

export const records: EvalRunRecord[] = [
  // p1 (0.5): `1/2` and `0.5` are one answer (2 votes) against `3` (2 votes); the tie goes to the
  // higher PPM weight, 1.7 against 1.05: correct. Were they two answers, `3` would win.
  // Runs correct: 1 1 0 0. maj@1 ✓ maj@2 ✓ maj@4 ✓; best@1 ✓ best@2 ✓ best@4 ✗ (`3` at 0.95).
  ...s2('p1', '0.5', [
    ['1/2', 0.9],
    ['0.5', 0.8],
    ['3', 0.95],
    ['3', 0.1],
  ]),
  // p2 (7): `7` twice against `8` once (run 3 found no answer): correct.
  // Runs correct: 1 0 1 0. maj@2 ties 1–1, the weight 0.7 picks `8` ✗; maj@4 ✓; best@2, best@4 ✗.
  ...s2('p2', '7', [
    ['7', 0.2],
    ['8', 0.7],
    ['7', 0.3],
    [null, null],
  ]),
  // p3 (3/4): every run answers 2: wrong everywhere.
  ...s2('p3', '\\frac{3}{4}', [
    ['2', 0.5],
    ['2', 0.4],
    ['2', 0.3],
    ['2', 0.2],
  ]),
  // greedy: one run each; p1 `0.50` is right, p2 wrong, p3 `0.75` right.
  runRecord('greedy', 'p1', '0.5', 0, '0.50', null, { gpuSeconds: 0.5 }),
  runRecord('greedy', 'p2', '7', 0, '9', null, {
    cost: { ...runRecord('greedy', 'p2', '7', 0, '9', null).cost, promptTokens: 400 },
  }),
  runRecord('greedy', 'p3', '\\frac{3}{4}', 0, '0.75', null),
];
