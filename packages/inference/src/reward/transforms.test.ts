import { rewardTransform } from './transforms';

describe('reward transforms', () => {
  it('tanh5 is rStar-Math tanh(x/5), bounded in (-1, 1)', () => {
    const f = rewardTransform('tanh5');
    expect(f(0)).toBe(0);
    expect(f(5)).toBeCloseTo(Math.tanh(1));
    expect(Math.abs(f(1e6))).toBeLessThanOrEqual(1);
  });

  it('identity and sigmoid', () => {
    expect(rewardTransform('identity')(0.3)).toBe(0.3);
    expect(rewardTransform('sigmoid')(0)).toBe(0.5);
    expect(rewardTransform('sigmoid')(-50)).toBeGreaterThanOrEqual(0);
  });
});
