import { bootstrapMean } from './bootstrap';
import { curveKs } from './curve';

describe('bootstrapMean', () => {
  // 60 of 100 problems right: the normal approximation gives SE √(0.6·0.4/100) ≈ 0.049 and a
  // 95 % interval of about 0.6 ± 0.096; 2000 resamples land within a few thousandths of that.
  const values = Array.from({ length: 100 }, (_, i) => (i < 60 ? 1 : 0));

  it('matches the normal approximation on a large sample', () => {
    const { se, low, high } = bootstrapMean(values, 7, 2000, 0.95);
    expect(se).toBeGreaterThan(0.044);
    expect(se).toBeLessThan(0.054);
    expect(low).toBeGreaterThan(0.48);
    expect(low).toBeLessThan(0.53);
    expect(high).toBeGreaterThan(0.67);
    expect(high).toBeLessThan(0.72);
  });

  it('is a function of its seed', () => {
    expect(bootstrapMean(values, 7, 500, 0.95)).toEqual(bootstrapMean(values, 7, 500, 0.95));
    expect(bootstrapMean(values, 7, 500, 0.95)).not.toEqual(bootstrapMean(values, 8, 500, 0.95));
  });

  it('has no spread when every problem agrees', () => {
    expect(bootstrapMean([1, 1, 1], 1, 100, 0.95)).toEqual({ se: 0, low: 1, high: 1 });
    expect(bootstrapMean([0], 1, 1, 0.95)).toEqual({ se: 0, low: 0, high: 0 });
  });
});

describe('curveKs', () => {
  it('doubles up to the runs, then the runs themselves', () => {
    expect(curveKs(1)).toEqual([1]);
    expect(curveKs(4)).toEqual([1, 2, 4]);
    expect(curveKs(64)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(curveKs(12)).toEqual([1, 2, 4, 8, 12]);
  });
});
