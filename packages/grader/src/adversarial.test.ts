import { explainEquivalence, gradeAnswer } from './index';

/**
 * No call may hang: hostile or absurd inputs must come back quickly with a verdict. The bound
 * is generous (a loaded CI machine), but an unbounded computation would blow through it.
 */
const LIMIT_MS = 2000;

const nested = (open: string, close: string, inner: string, depth: number): string =>
  open.repeat(depth) + inner + close.repeat(depth);
const deepFrac = (depth: number): string => {
  let s = '1';
  for (let i = 0; i < depth; i++) s = `\\frac{${s}}{2}`;
  return s;
};

const CASES: Array<[string, string, string]> = [
  ['tower of exponents', '10^{10^{10}}', '10^{10^{10}}+1'],
  ['taller tower', '10^{10^{10^{10}}}', '1'],
  ['2^2^2^2^2^2', '2^{2^{2^{2^{2^{2}}}}}', '2'],
  ['huge factorial', '(10^{100})!', '5'],
  ['1000!', '1000!', '1000!+1'],
  ['5000!', '5000!', '5001!'],
  ['huge binomial', '\\binom{10^{6}}{5 \\cdot 10^{5}}', '1'],
  ['deep \\frac nesting', deepFrac(400), '0'],
  ['moderate \\frac nesting', deepFrac(60), '2^{-60}'],
  ['deep parentheses', nested('(', ')', '1', 2500), '1'],
  ['deep braces', nested('{', '}', 'x', 2500), 'x'],
  ['deep roots', nested('\\sqrt{', '}', '2', 300), '1'],
  ['5,000-char sum', Array.from({ length: 700 }, (_, i) => `${i}x`).join('+'), '1'],
  [
    '5,000-char radical sum',
    Array.from({ length: 500 }, (_, i) => `\\sqrt{${i + 2}}`).join('+'),
    '1',
  ],
  ['long polynomial', Array.from({ length: 300 }, (_, i) => `${i + 1}x^{${i}}`).join('+'), 'x'],
  ['power of a polynomial', '(x+1)^{1000}', '(x+1)^{1000}+1'],
  ['huge variable power', 'x^{10^{10}}', 'x^{10^{10}}+1'],
  ['many variables', '(a+b+c+d+e+f+g+h)^{20}', '1'],
  ['sine of a huge number', '\\sin(10^{100})', '0'],
  ['tower of e', 'e^{e^{e^{e^{10}}}}', '1'],
  ['π tower', '\\pi^{\\pi^{\\pi^{\\pi}}}', '1'],
  ['garbage', '!!!@#$%^&*(){}[]', 'garbage'],
  ['unclosed fractions', '\\frac{\\frac{\\frac{', '1'],
  ['20,000 digits', '9'.repeat(20_000), '1'],
  ['repeated letters', 'a'.repeat(5000), 'b'],
  [
    'long list',
    Array.from({ length: 64 }, (_, i) => i).join(','),
    Array.from({ length: 64 }, (_, i) => 63 - i).join(','),
  ],
  [
    'big matrix',
    `\\begin{pmatrix}${Array.from({ length: 30 }, () => Array.from({ length: 30 }, (_, j) => j).join('&')).join('\\\\')}\\end{pmatrix}`,
    '0',
  ],
  ['power chain', 'x^'.repeat(800) + 'x', 'x'],
  ['5,000 ones', `${'1+'.repeat(2500)}1`, '2501'],
  ['long repeating decimal', `0.${'3'.repeat(5000)}`, '\\frac13'],
];

describe('bounded work: adversarial inputs return quickly', () => {
  it.each(CASES)('%s', (_name, a, b) => {
    const start = Date.now();
    const verdict = explainEquivalence(a, b);
    expect(typeof verdict.equal).toBe('boolean');
    expect(Date.now() - start).toBeLessThan(LIMIT_MS);
  });

  it('decides the easy ones among them correctly', () => {
    expect(explainEquivalence('1000!', '1000!+1').equal).toBe(false);
    expect(explainEquivalence('5000!', '5001!').equal).toBe(false);
    expect(explainEquivalence(deepFrac(60), '2^{-60}').equal).toBe(true);
    expect(explainEquivalence(`${'1+'.repeat(2500)}1`, '2501').equal).toBe(true);
    expect(explainEquivalence('10^{10^{10}}', '10^{10^{10}}+1').equal).toBe(false);
  });

  it('grades a 1 MB response quickly', () => {
    const start = Date.now();
    expect(gradeAnswer(`${'blah '.repeat(200_000)}\\boxed{42}`, '42')).toBe(true);
    expect(Date.now() - start).toBeLessThan(LIMIT_MS);
  });
});
