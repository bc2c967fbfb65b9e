import {
  evalJobId,
  evalShardJobId,
  parseEvalShardJobId,
  parseShardJobId,
  roundJobId,
  shardJobId,
} from './job-ids';

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

describe('eval job ids', () => {
  it('build and read back an eval-shard id, dashes in run and evaluation names included', () => {
    const id = evalShardJobId('my-run-2', 3, 'after-round', 12);
    expect(id).toBe('evalshard.my-run-2.3.after-round.12');
    expect(parseEvalShardJobId(id)).toEqual({
      run: 'my-run-2',
      round: 3,
      evaluation: 'after-round',
      shard: 12,
    });
    expect(evalJobId('my-run-2', 0, 'cli')).toBe('eval.my-run-2.0.cli');
  });

  it('reads no other id as an eval shard', () => {
    expect(parseEvalShardJobId(shardJobId('r', 1, 2))).toBeNull();
    expect(parseEvalShardJobId('evalshard.r.1.e.01')).toBeNull();
    expect(parseEvalShardJobId('evalshard.R.1.e.1')).toBeNull();
    expect(parseEvalShardJobId('evalshard.r.1.e')).toBeNull();
  });
});
