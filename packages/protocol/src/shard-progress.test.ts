import { parseShardProgress, ShardProgressSchema } from './shard-progress';

describe('shard progress', () => {
  const progress = { done: 5, total: 8, solved: 2, written: 3, skipped: 2 };

  it("reads the rollout worker's progress", () => {
    expect(parseShardProgress(progress)).toEqual(progress);
  });

  it('rejects every other shape: no progress yet, other fields, bad counts', () => {
    for (const v of [
      null,
      0,
      7,
      'x',
      {},
      { units: 4, solved: 1 },
      { ...progress, extra: 1 },
      { ...progress, done: -1 },
      { ...progress, solved: 1.5 },
      { ...progress, total: Number.NaN },
      { done: 5, total: 8, solved: 2, written: 3 },
    ]) {
      expect(parseShardProgress(v)).toBeNull();
      expect(ShardProgressSchema.safeParse(v).success).toBe(false);
    }
  });
});
