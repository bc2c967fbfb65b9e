import fc from 'fast-check';
import { explainEquivalence, explainGrade } from './index';

/**
 * Random LaTeX-ish input must never throw, hang or hit an internal error: the grader runs
 * inside the search, on whatever a model writes.
 */
const PIECES = [
  '1',
  '2',
  '0',
  '7',
  '10',
  '0.5',
  '.',
  ',',
  ' ',
  'x',
  'y',
  'e',
  'i',
  'a',
  '+',
  '-',
  '*',
  '/',
  '^',
  '_',
  '!',
  '=',
  '<',
  '>',
  '|',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '\\{',
  '\\}',
  '\\frac',
  '\\sqrt',
  '\\pi',
  '\\infty',
  '\\pm',
  '\\cdot',
  '\\times',
  '\\le',
  '\\cup',
  '\\cap',
  '\\setminus',
  '\\left(',
  '\\right)',
  '\\text{',
  '\\text{ cm}',
  '\\%',
  '^\\circ',
  '\\boxed{',
  '\\sin',
  '\\log_',
  '\\ln',
  '\\binom',
  '\\overline{',
  '\\begin{pmatrix}',
  '\\end{pmatrix}',
  '\\\\',
  '&',
  '\\emptyset',
  '\\mathbb{R}',
  'or',
  'and',
  '\\mid',
  '0.\\overline{3}',
  '1011_2',
  '4:30',
  '\\$',
  '°',
  '−',
  '√',
  'π',
  '∞',
];

const latexish = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((p) => p.join(''));

describe('fuzzing', () => {
  it('never throws or fails internally on random LaTeX-ish pairs', () => {
    fc.assert(
      fc.property(latexish, latexish, (a, b) => {
        const v = explainEquivalence(a, b);
        expect(typeof v.equal).toBe('boolean');
        expect(v.reason).not.toMatch(/internal error/);
        const g = explainGrade(`Answer: \\boxed{${a}}`, b);
        expect(g.reason).not.toMatch(/internal error/);
      }),
      { numRuns: 3000, seed: 20260521 },
    );
  });

  it('is reflexive on well-formed random expressions', () => {
    const expr = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('1', '2', '3', 'x', 'y', '\\pi', '\\sqrt{2}', '0.5', '\\frac{1}{3}'),
        fc
          .tuple(tie('e'), fc.constantFrom('+', '-', '\\cdot '), tie('e'))
          .map(([l, o, r]) => `(${l})${o}(${r})`),
        fc.tuple(tie('e'), tie('e')).map(([n, d]) => `\\frac{${n}}{${d}+5}`),
        tie('e').map((x) => `(${x})^{2}`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (e) => {
        const v = explainEquivalence(e, e);
        expect(v.reason).not.toMatch(/internal error/);
        expect(v.equal || v.reason.startsWith('undecided')).toBe(true);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
