import { parseShardProgress } from './shard-progress';

describe('parseShardProgress', () => {
  it("reads the rollout worker's progress, {units}, and bare numbers", () => {
    expect(parseShardProgress({ done: 5, total: 8, solved: 2, written: 3, skipped: 2 })).toEqual({
      units: 5,
      solved: 2,
    });
    expect(parseShardProgress({ units: 4 })).toEqual({ units: 4 });
    expect(parseShardProgress(7)).toEqual({ units: 7 });
  });

  it('ignores what is not progress', () => {
    for (const v of [0 - 1, null, 'x', {}, { done: -1 }, { units: Number.NaN }]) {
      expect(parseShardProgress(v)).toBeNull();
    }
  });
});
