import { explainEquivalence, explainGrade, gradeAnswer, isEquivalent } from './index';

/**
 * The grader's own table: [pred, ref, expected] per category, many of them near misses where
 * the reference graders (Qwen2.5-Math `math_equal`, rStar's `rstar_equiv`) are wrong.
 */
type Row = [pred: string, ref: string, equal: boolean];

const TABLE: Record<string, Row[]> = {
  'integers and exact big numbers': [
    ['420', '420', true],
    ['1000001', '1000000', false],
    ['2^{2004}', '2^{2005}', false],
    ['2^{2004}', '2^{2004}', true],
    ['\\frac{1}{2004!}', '\\frac{1}{2003!}', false],
    ['10^{100}', '10^{100}+1', false],
    ['2^{2^{10}}', '2^{1024}', true],
    ['\\binom{10}{3}', '120', true],
    ['10!', '3628800', true],
    ['\\frac{100!}{98!}', '9900', true],
    ['1000!', '1000!', true],
    ['5000!', '5001!', false],
    ['042', '42', true],
  ],
  'rationals and decimals (exact as written)': [
    ['\\frac{1}{9}', '\\frac19', true],
    ['\\frac{3}{2}', '1.5', true],
    ['0.5', '\\frac{1}{2}', true],
    ['0.3333', '\\frac13', false],
    ['1.4142', '\\sqrt2', false],
    ['0.50001', '0.5', false],
    ['\\frac{1}{10000}', '\\frac{1}{10001}', false],
    ['-\\frac{1}{3}', '\\frac{-1}{3}', true],
    ['\\frac{-1}{-3}', '\\frac13', true],
    ['\\frac{2}{6}', '\\frac{1}{3}', true],
    ['37.50', '37.5', true],
    ['13.180', '13.18', true],
    ['13.2', '13.18', false],
    ['1.5e3', '1500', true],
  ],
  'repeating decimals': [
    ['0.\\overline{3}', '\\frac{1}{3}', true],
    ['0.(3)', '1/3', true],
    ['0.1\\overline{6}', '\\frac16', true],
    ['0.\\overline{142857}', '\\frac17', true],
    ['0.333\\ldots', '\\frac13', true],
    ['0.1666', '\\frac16', false],
    ['0.\\overline{3}', '0.3', false],
  ],
  'mixed numbers': [
    ['12\\frac{3}{5}', '12.6', true],
    ['1\\frac12', '1.5', true],
    ['-1\\frac12', '-1.5', true],
    ['4 \\frac{1}{2}', '\\frac92', true],
    ['2\\frac{\\pi}{3}', '\\frac{2\\pi}{3}', true],
    ['1\\frac{1}{9}', '1\\frac{1}{10}', false],
  ],
  percent: [
    ['25\\%', '\\frac14', true],
    ['25\\%', '0.25', true],
    ['25\\%', '25', true],
    ['25', '0.25', false],
    ['50', '\\frac12', false],
    ['5\\%', '0.5', false],
    ['25\\%', '0.25\\%', false],
    // The unit-sign reading holds only against the same plain number: 0.5% is 1/200, not 1/2.
    ['0.5\\%', '\\frac12', false],
    ['0.25\\%', '\\frac{1}{4}', false],
    ['0.5\\%', '0.5', true],
    ['-2\\%', '-0.02', true],
    ['12.5\\%', '\\frac18', true],
    ['25 percent', '25\\%', true],
  ],
  'units, text and currency': [
    ['5 \\text{ cm}', '5', true],
    ['12 \\text{ minutes}', '12', true],
    ['10 inches', '10', true],
    ['\\$5.00', '5', true],
    ['\\$1,000', '1000', true],
    ['1000 \\text{ dollars}', '1000', true],
    ['5\\text{ cm}^2', '5', true],
    ['60 \\text{ m/s}', '60', true],
    ['5a', '5', false],
    ['2t', '2', false],
    ['3c', '3', false],
    ['4t', '4t', true],
    ['a', 't', false],
    ['\\text{Tuesday}', 'Tuesday', true],
    ['\\text{odd}', '\\text{even}', false],
    ['\\text{Yes}', 'yes', true],
  ],
  degrees: [
    ['90^\\circ', '90', true],
    ['45°', '45', true],
    ['45^{\\circ}', '45^\\circ', true],
    ['45 \\text{ degrees}', '45', true],
    ['\\sin 30^\\circ', '\\frac12', true],
    ['\\frac{\\sqrt{2}}{2}', '\\sin 45^\\circ', true],
    ['30^\\circ', '60^\\circ', false],
  ],
  'word numbers and thousands separators': [
    ['\\text{five}', '5', true],
    ['twenty-one', '21', true],
    ['one hundred five', '105', true],
    ['one half', '\\frac12', true],
    ['three', '4', false],
    ['900,000,000', '900000000', true],
    ['10{,}000', '10000', true],
    ['1 000 000', '1000000', true],
    ['3,250', '3250', true],
    ['1,000', '100', false],
    ['1.5 million', '1500000', true],
    ['1.5 \\text{ million}', '1500000', true],
    ['1.5 million', '150000', false],
  ],
  'prefixes and assignments': [
    ['x=5', '5', true],
    ['k = 3', '3', true],
    ['x = \\pm 2', '2, -2', true],
    ['x = 3', 'y = 3', false],
    ['f(x)=x^2', 'x^2', true],
    ['x+y=5', 'x+5', false],
    ['(x,y)=(1,2)', '(1,2)', true],
    ['y=2, x=1', '(1,2)', true],
    ['x=1, y=2', '(2,1)', false],
    ['\\frac{9}{2} = 4.5', '4.5', true],
    ['\\frac{1}{2} = 0.6', '0.5', false],
    ['3\\sqrt{2} \\approx 4.24', '3\\sqrt2', true],
    ['3\\sqrt{2} \\approx 4.24', '4.24', true],
    ['3\\sqrt{2} \\approx 4.24', '4.2', false],
    ['\\text{Area} = 12', '12', true],
    ['|AB| = 5', '5', true],
    ['m\\angle ABC = 120^\\circ', '120', true],
  ],
  'radicals, π and e': [
    ['\\sqrt{2}+\\sqrt{3}', '\\sqrt{5+2\\sqrt{6}}', true],
    ['2\\sqrt{2}', '\\sqrt{8}', true],
    ['\\sqrt{8}', '2.828', false],
    ['\\frac{1}{\\sqrt{2}}', '\\frac{\\sqrt{2}}{2}', true],
    ['\\sqrt[3]{27}', '3', true],
    ['\\sqrt[3]{-8}', '-2', true],
    ['6\\sqrt{3}', '\\sqrt{108}', true],
    ['\\sqrt{108}', '10.392', false],
    ['\\frac{5\\sqrt{2}}{2}', '\\frac{5}{\\sqrt{2}}', true],
    ['\\pi/2', '\\frac{\\pi}{2}', true],
    ['2\\pi', '6.28', false],
    ['3.14', '\\pi', false],
    ['\\frac{4}{3}\\pi', '\\frac{4\\pi}{3}', true],
    ['e^{\\ln 2}', '2', true],
    ['\\ln(e^3)', '3', true],
    ['\\log_2 8', '3', true],
    ['\\ln 2', '\\log 2', false],
    ['\\cos \\frac{\\pi}{3}', '\\frac12', true],
    ['\\arctan 1', '\\pi/4', true],
    ['\\tan^{-1}(1)', '\\frac{\\pi}{4}', true],
    ['\\pi', '3.14159265358979323846264338327950288419716939937510582097494459230781640628', false],
  ],
  'complex numbers': [
    ['e^{i\\pi}', '-1', true],
    ['\\sqrt{-4}', '2i', true],
    ['3+4i', '4i+3', true],
    ['3-4i', '3+4i', false],
    ['\\frac{1+i}{1-i}', 'i', true],
    ['(1+i)^2', '2i', true],
    ['\\overline{2+i}', '2-i', true],
    ['2+3j', '2+3i', false],
  ],
  'polynomials and rational expressions': [
    ['2x-1', '2(x-1)', false],
    ['x^2+2x+1', '(x+1)^2', true],
    ['x^2+2x+1', '(x-1)^2', false],
    ['x^2-1', '(x-1)(x+1)', true],
    ['a^2-b^2', '(a-b)(a+b)', true],
    ['\\frac{1}{x}+\\frac{1}{y}', '\\frac{x+y}{xy}', true],
    ['-(x-1)', '1-x', true],
    ['\\frac{x}{2}', '0.5x', true],
    ['\\sin^2 x + \\cos^2 x', '1', true],
    ['4a-2', '4a - 2', true],
    ['x^{2}+5x+6', '(x+2)(x+4)', false],
    ['\\pi r^2', 'r^2\\pi', true],
    // Negative points refute, where both sides are real: |x| is not x.
    ['|x|', 'x', false],
    ['\\sqrt{x^2}', 'x', false],
    ['\\sqrt{x^2}', '|x|', true],
    ['x^{2/3}', '\\sqrt[3]{x^2}', true],
    ['\\sqrt{x}\\sqrt{y}', '\\sqrt{xy}', true],
    ['\\binom{n}{2}', '\\frac{n(n-1)}{2}', true],
    ['\\binom{n}{2}', '\\frac{n^2}{2}', false],
  ],
  equations: [
    ['y=2x+3', '2x-y+3=0', true],
    ['y=-\\frac{1}{2}x+3', 'x+2y=6', true],
    ['y=-\\frac{1}{2}x+3', 'x+2y=-6', false],
    ['x^2+y^2=25', '25=x^2+y^2', true],
    ['2x^2+2y^2=50', 'x^2+y^2=25', true],
    ['y = x', 'y=-x', false],
    ['x=2y+1', 'y=2x+1', false],
    ['y=\\frac{1}{x}', 'xy=1', true],
    ['y=\\frac{1}{x}', 'xy=2', false],
    ['y=\\frac{x+1}{x-1}', 'xy-y=x+1', true],
    ['y=\\sqrt{x}', 'y^2=x', false],
    ['x^2=4', 'x=2', false],
    ['5 = x', '5', true],
    ['2x+3=y', 'y=2x+3', true],
  ],
  'tuples, vectors and matrices': [
    ['(2,5)', '[2,5]', false],
    ['(1,2)', '(2,1)', false],
    ['(3,-1)', '(3, -1)', true],
    ['(1,2,3)', '\\langle 1,2,3\\rangle', true],
    ['\\left(1,2\\right)', '(1,2)', true],
    ['(2,5)', '\\{2,5\\}', false],
    ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{bmatrix}1\\\\2\\end{bmatrix}', true],
    ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}1&2\\end{pmatrix}', false],
    ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1&2\\\\3&5\\end{bmatrix}', false],
    ['2\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}2\\\\4\\end{pmatrix}', true],
  ],
  'intervals and inequalities': [
    ['x>3', '(3,\\infty)', true],
    ['x \\ge 3', '(3,\\infty)', false],
    ['[-2,3)', '-2\\le x<3', true],
    ['-2\\le x<3', '[-2,3]', false],
    ['x<-1 \\text{ or } x>1', '(-\\infty,-1)\\cup(1,\\infty)', true],
    ['(-\\infty,2)\\cup(3,\\infty)', '(3,\\infty)\\cup(-\\infty,2)', true],
    ['x \\le 5', '(-\\infty,5]', true],
    ['(-\\infty,5]', 'x<5', false],
    ['3 < x < 5', '(3,5)', true],
    ['5 > x > 3', '(3,5)', true],
    ['x\\in(0,1)', '(0,1)', true],
    ['2x+1>7', 'x>3', true],
    ['-2x>4', 'x<-2', true],
    ['[1,2)\\cup[2,3]', '[1,3]', true],
    ['x \\ne 0', '(-\\infty,0)\\cup(0,\\infty)', true],
    ['(-\\infty,-1)\\cup(-1,\\infty)', '\\mathbb{R}\\setminus\\{-1\\}', true],
    ['(-\\infty,2)\\cap(3,\\infty)', '\\emptyset', true],
    ['x^2<4', '(-2,2)', true],
    ['x^2\\le 4', '(-2,2)', false],
    ['x^2 < 3.9999', '(-2,2)', false],
    ['|x-1| \\le 3', '[-2,4]', true],
    ['x^2-3x+2>0', '(-\\infty,1)\\cup(2,\\infty)', true],
    ['\\sqrt{x}<2', '[0,4)', true],
    ['\\frac{1}{x}>1', '(0,1)', true],
    ['x^2+1>0', '\\mathbb{R}', true],
    ['\\{x \\mid x>3\\}', '(3,\\infty)', true],
    ['\\{x : x \\ge 0\\}', '(0,\\infty)', false],
    // |A| op B is split into A op B and −A op B (and/or), never solved as if |A| were A.
    ['|x|<3', '(-3,3)', true],
    ['|x|\\ge 3', '(-\\infty,-3]\\cup[3,\\infty)', true],
    ['|x+1|\\ge 3', '(-\\infty,-4]\\cup[2,\\infty)', true],
    ['|x+1|\\ge 3', '[2,\\infty)', false],
    ['|x|\\ge 3', 'x^2\\ge 9', true],
    ['|x|\\ge 3', 'x^2 > 9', false],
    ['1<|x|<3', '(-3,-1)\\cup(1,3)', true],
    ['|x| < |x-1|', 'x<\\frac12', true],
    ['-1 < 2x+1 \\le 3', '(-1,1]', true],
    // Linearity is proved from the degree, not guessed from four samples.
    ['x(x-1)(x-2)(x-5)+x > 0', '(0,\\infty)', false],
    ['(x+1)^2-x^2>3', '(1,\\infty)', true],
    // ≠ conditions in a comma list restrict the other items.
    ['x \\ne \\pm 1', '\\mathbb{R}', false],
    ['x \\ne \\pm 1', '(-\\infty,-1)\\cup(-1,1)\\cup(1,\\infty)', true],
    ['x > 0, x \\ne 1', '(0,1)\\cup(1,\\infty)', true],
  ],
  'sets, solution lists and ±': [
    ['\\{1,2\\}', '\\{2,1\\}', true],
    ['1, 2', '2, 1', true],
    ['1,2', '1,2,3', false],
    ['x=1, x=2', '1,2', true],
    ['x=1 \\text{ or } x=2', '2, 1', true],
    ['\\{1,2\\}', '[1,2]', false],
    ['\\pm 2', '2,-2', true],
    ['\\pm 2', '2', false],
    ['1\\pm\\sqrt{2}', '1+\\sqrt2, 1-\\sqrt2', true],
    ['1\\pm\\sqrt{2}', '1+\\sqrt2', false],
    ['5 \\text{ or } 6', '5', false],
  ],
  'empty set': [
    ['\\emptyset', '\\varnothing', true],
    ['\\emptyset', '\\{\\}', true],
    ['no solution', '\\emptyset', true],
    ['\\{\\}', '0', false],
    ['\\emptyset', '\\{0\\}', false],
  ],
  'base-n numerals': [
    ['1011_2', '11', true],
    ['1011_2', '1011', true],
    ['1011_2', '1011_{2}', true],
    ['(1011)_2', '1011_2', true],
    ['1011_{\\text{two}}', '1011_2', true],
    ['1012_3', '1011_2', false],
    ['A3_{16}', '163', true],
  ],
  'multiple choice': [
    ['(A) or (C)', 'A', false],
    ['c', 'C', true],
    ['\\text{(B)}', 'B', true],
    ['\\textbf{(C) } 12', 'C', true],
    ['(A) and (B)', 'A', false],
    ['A', '(A)', true],
    ['\\text{(B)}', 'b', true],
    ['D', 'C', false],
    ['(C) 12', 'C', true],
    ['(B) 12', 'C', false],
    // The value of an option against a value.
    ['\\textbf{(C) } \\frac12', '0.5', true],
    ['\\textbf{(C) } \\frac13', '0.5', false],
    ['12', '\\textbf{(C)}\\ 12', true],
    ['13', '\\textbf{(C)}\\ 12', false],
  ],
  'unicode and notation': [
    ['-3', '−3', true],
    ['√2', '\\sqrt{2}', true],
    ['π/2', '\\frac{\\pi}{2}', true],
    ['x ≤ 5', '(-\\infty,5]', true],
    ['½', '0.5', true],
    ['\\dfrac{3}{4}', '\\tfrac{3}{4}', true],
    ['{3 \\over 4}', '\\frac34', true],
    ['5.', '5', true],
    ['4:30 \\text{ p.m.}', '4:30p..', true],
    ['11\\text{:}00', '11:00', true],
    ['\\infty', '\\infty', true],
    ['-\\infty', '\\infty', false],
    ['\\pmatrix{1 & 2 \\cr 3 & 4}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', true],
    ['14:45', '2:45 \\text{ p.m.}', true],
    ['14:45', '2:45 \\text{ a.m.}', false],
    ['4 \\text{ p.m.}', '4:00 p.m.', true],
    ['\\text{noon}', '12:00 \\text{ p.m.}', true],
    ['3+4\\mathrm{i}', '3+4i', true],
    ['3+4\\mathrm{i}', '7', false],
    ['4\\operatorname{cis} 30^\\circ', '2\\sqrt3+2i', true],
    ['\\lg 100', '2', true],
    ['1011_{(2)}', '1011_2', true],
    ['\\text{March 15}', '\\text{March }15', true],
    ['\\text{Oct. }31', '\\text{October 31}', true],
    ['12^{\\text{th}}', '12', true],
    ['\\text{DNE}', '\\text{does not exist}', true],
    ['-\\infty', '\\text{negative infinity}', true],
    ['€5', '5', true],
    ['\\left[ {\\frac{1}{2},1} \\right)', '[\\frac{1}{2},1)', true],
    ['6:8', '3:4', true],
    ['2:3', '3:2', false],
  ],
  'general solutions over the integers': [
    [
      'x=\\frac{\\pi}{4}+k\\pi, k\\in\\mathbb{Z}',
      '\\frac{5\\pi}{4}+n\\pi\\ (n\\in\\mathbb{Z})',
      true,
    ],
    [
      'x=\\frac{\\pi}{4}+k\\pi, k\\in\\mathbb{Z}',
      '\\frac{\\pi}{4}+2k\\pi, k\\in\\mathbb{Z}',
      false,
    ],
    [
      '\\frac{k\\pi}{2}, k \\in \\mathbb{Z}',
      'k\\pi \\text{ or } \\frac{\\pi}{2}+k\\pi, k\\in\\mathbb{Z}',
      true,
    ],
    ['2k\\pi \\pm \\frac{\\pi}{3}, k \\in Z', '\\frac{\\pi}{3}+k\\pi, k\\in Z', false],
    ['\\frac{\\pi}{4}+k\\pi, k\\in\\mathbb{Z}', '\\frac{\\pi}{4}', false],
  ],
  'malformed and undefined': [
    ['\\frac{1}{0}', '\\frac{1}{0}', false],
    ['\\frac{0}{0}', '1', false],
    ['', '5', false],
    ['\\frac{1}{2', '\\frac12', false],
    ['!!!@#', '5', false],
  ],
};

describe('isEquivalent: labelled table', () => {
  for (const [category, rows] of Object.entries(TABLE)) {
    it(`${category} (${rows.length} pairs)`, () => {
      const wrong = rows
        .map(([pred, ref, equal]) => ({ pred, ref, equal, got: explainEquivalence(pred, ref) }))
        .filter((r) => r.got.equal !== r.equal)
        .map(
          (r) =>
            `${r.pred}  vs  ${r.ref}: expected ${r.equal}, got ${r.got.equal} (${r.got.reason})`,
        );
      expect(wrong).toEqual([]);
    });
  }

  it('has at least 200 rows, with both verdicts in every category', () => {
    const all = Object.values(TABLE).flat();
    expect(all.length).toBeGreaterThanOrEqual(200);
    for (const [category, rows] of Object.entries(TABLE)) {
      if (category === 'malformed and undefined') continue;
      expect([category, rows.some((r) => r[2]), rows.some((r) => !r[2])]).toEqual([
        category,
        true,
        true,
      ]);
    }
  });
});

describe('symmetry', () => {
  it('gives the same verdict with the sides swapped (multiple choice aside)', () => {
    const asymmetric = Object.entries(TABLE)
      .filter(
        ([category]) => category !== 'multiple choice' && category !== 'malformed and undefined',
      )
      .flatMap(([, rows]) => rows)
      .filter(([a, b]) => isEquivalent(a, b) !== isEquivalent(b, a))
      .map(([a, b]) => `${a} / ${b}`);
    expect(asymmetric).toEqual([]);
  });
});

describe('gradeAnswer', () => {
  it('extracts the last boxed answer of a whole response', () => {
    const response =
      'First we get $\\boxed{3}$ wrongly... Actually, the answer is $\\boxed{\\frac{1}{2}}$.';
    expect(gradeAnswer(response, '0.5')).toBe(true);
    expect(gradeAnswer(response, '3')).toBe(false);
  });

  it('takes the reference answer out of a reference solution that boxes it', () => {
    expect(gradeAnswer('\\boxed{7}', 'So $x = \\boxed{7}$.')).toBe(true);
  });

  it('is false when the response has no answer at all', () => {
    const long = `${'We compute carefully.\n'.repeat(20)}`;
    const v = explainGrade(long, '5');
    expect(v).toMatchObject({ equal: false, pred: null });
  });

  it('explains its verdicts', () => {
    expect(explainEquivalence('(2,5)', '[2,5]').reason).toMatch(/bracket/);
    expect(explainEquivalence('25\\%', '0.25').reason).toMatch(/percent/);
    expect(explainEquivalence('10^{10^{10}}', '10^{10^{10}}+1').reason).toMatch(/undecided/);
  });

  it('honours a smaller work budget by answering undecided (false), not by hanging', () => {
    const sum = Array.from({ length: 50 }, (_, i) => `\\sqrt{${i + 2}}`).join('+');
    expect(isEquivalent(sum, sum.replace('\\sqrt{2}', '\\sqrt{8}/2'))).toBe(true);
    const starved = explainEquivalence(sum, sum.replace('\\sqrt{2}', '\\sqrt{8}/2'), {
      budget: 50,
    });
    expect(starved).toMatchObject({ equal: false, reason: 'undecided: work budget exceeded' });
  });
});
