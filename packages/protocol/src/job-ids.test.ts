import { parseShardJobId, roundJobId, shardJobId } from './job-ids';

describe('job ids', () => {
  it('parses back what shardJobId builds, run ids with dashes and digits included', () => {
    for (const [run, round, shard] of [
      ['run-1a2b3c4d', 1, 0],
      ['local-12', 3, 41],
      ['a', 12, 7],
      ['x-1-2', 2, 3],
    ] as const) {
      expect(parseShardJobId(shardJobId(run, round, shard))).toEqual({ run, round, shard });
    }
  });

  it('reads nothing from ids it would not build', () => {
    for (const id of [
      roundJobId('run', 1, 0),
      'shard-run-1',
      'shard-run-0-1',
      'shard-run-01-1',
      'shard-run-1-01',
      'shard-Run-1-1',
      'shard--1-1',
      'shard-run-1-1-',
      'shard-run-1.5-1',
      'ui-delayed',
      '',
    ]) {
      expect(parseShardJobId(id)).toBeNull();
    }
  });
});
