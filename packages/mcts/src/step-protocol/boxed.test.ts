import { hasBoxed, lastBoxed } from './boxed';

describe('lastBoxed', () => {
  it.each([
    ['The answer is \\boxed{42}.', '42'],
    ['first \\boxed{1} then \\boxed{2}', '2'],
    ['\\boxed{\\frac{1}{2}}', '\\frac{1}{2}'],
    ['\\boxed{ \\{1, \\sqrt{2}\\} }', '\\{1, \\sqrt{2}\\}'],
    ['a \\boxed{7} b \\boxed{\\frac{3}{', '7'],
    ['no answer here', null],
    ['\\boxed{unclosed', null],
  ])('%j → %j', (text, expected) => {
    expect(lastBoxed(text)).toBe(expected);
  });

  it('hasBoxed agrees', () => {
    expect(hasBoxed('x \\boxed{1}')).toBe(true);
    expect(hasBoxed('x \\boxed{')).toBe(false);
  });
});
