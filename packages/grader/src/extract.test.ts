import { extractAnswer } from './extract';

describe('extractAnswer', () => {
  it.each([
    ['The answer is $\\boxed{42}$.', '42'],
    ['$\\boxed{1}$ then $\\boxed{2}$', '2'],
    ['\\boxed{\\frac{a}{b^{2}}}', '\\frac{a}{b^{2}}'],
    [
      '\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}',
      '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}',
    ],
    ['\\fbox{7}', '7'],
    ['\\boxed 5 is it', '5'],
    ['\\boxed{\\boxed{3}}', '3'],
    ['\\boxed{ \\{1,2\\} }', '\\{1,2\\}'],
    ['so \\boxed{\\text{(C)}}', '\\text{(C)}'],
    ['\\boxed{x} and the final is \\boxed{y^{\\{2\\}}}', 'y^{\\{2\\}}'],
    // Boxes joined only by "and", commas or "or" are one list of answers.
    ['the roots are $\\boxed{2}$ and $\\boxed{-5}$.', '2, -5'],
    ['\\boxed{A}, \\boxed{C}', 'A, C'],
    ['\\boxed{A} or \\boxed{C}', 'A \\text{ or } C'],
    ['$a = \\boxed{2}$ and $b = \\boxed{3}$', '3'],
  ])('%s → %s', (text, expected) => {
    expect(extractAnswer(text)).toBe(expected);
  });

  it('skips an unclosed last box and uses the previous complete one', () => {
    expect(extractAnswer('\\boxed{4} ... \\boxed{5')).toBe('4');
  });

  it('has no answer when the only box is unclosed', () => {
    expect(extractAnswer(`${'Long reasoning.\n'.repeat(5)}\\boxed{5`)).toBeNull();
  });

  it('falls back to "the answer is" and to a short bare answer', () => {
    expect(extractAnswer('Thus the final answer is $12$.\n')).toBe('12');
    expect(extractAnswer('Answer: \\frac{1}{2}')).toBe('\\frac{1}{2}');
    expect(extractAnswer(' 3\\sqrt{2} ')).toBe('3\\sqrt{2}');
    expect(extractAnswer('')).toBeNull();
    expect(extractAnswer('line one\nline two without any answer')).toBeNull();
  });

  it('reads only the tail of an enormous response', () => {
    const huge = `${'x'.repeat(1_000_000)}\\boxed{9}`;
    expect(extractAnswer(huge)).toBe('9');
  });
});
