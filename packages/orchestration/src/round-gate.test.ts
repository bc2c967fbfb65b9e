import { parsePlan } from '@rstar-fleet/config';
import { RoundFailedError } from './round-failed-error';
import { emptyDatasetGate, failedShardGate, pendingShards } from './round-gate';
import type { ShardSnapshot } from './status';
import type { ShardState } from './types';

const snap = (shard: number, state: ShardState, reason: string | null = null): ShardSnapshot => ({
  round: 1,
  phase: 0,
  shard,
  state,
  units: 0,
  solved: 0,
  failedReason: reason,
  attempts: state === 'failed' ? 5 : 1,
});

describe('failedShardGate', () => {
  const round = [
    snap(0, 'completed'),
    snap(1, 'failed', 'unit p1@0: dependencies unavailable for 600000 ms'),
    snap(2, 'completed'),
    snap(3, 'missing'),
  ];

  it('stops the round on any failed shard by default (share 0), naming each and why', () => {
    const err = failedShardGate(1, round, 0);
    expect(err).toBeInstanceOf(RoundFailedError);
    expect(err).toMatchObject({ code: 'FAILED_PRECONDITION', round: 1, kind: 'failed-shards' });
    expect(err?.failedShards).toEqual([
      { shard: 1, phase: 0, reason: 'unit p1@0: dependencies unavailable for 600000 ms' },
    ]);
    expect(err?.message).toContain('round 1: 1 of 4 shard(s) failed for good');
    expect(err?.message).toContain(
      'shard 1 (phase 0, 5 attempt(s)): unit p1@0: dependencies unavailable for 600000 ms',
    );
    expect(err?.message).toContain('rstar-fleet requeue --failed');
  });

  it('lets the round complete when the failed share is within the setting', () => {
    expect(failedShardGate(1, round, 0.25)).toBeNull();
    expect(failedShardGate(1, round, 0.2)).not.toBeNull();
    expect(failedShardGate(1, [snap(0, 'completed')], 0)).toBeNull();
  });

  it('names at most ten shards and counts the rest', () => {
    const many = Array.from({ length: 13 }, (_, i) => snap(i, 'failed', `boom ${i}`));
    const err = failedShardGate(2, many, 0);
    expect(err?.failedShards).toHaveLength(13);
    expect(err?.message).toContain('shard 9 (phase 0');
    expect(err?.message).not.toContain('shard 10 (phase 0');
    expect(err?.message).toContain('… and 3 more');
  });

  it('pendingShards: waiting, active and delayed only', () => {
    const all = (['waiting', 'active', 'delayed', 'completed', 'failed', 'missing'] as const).map(
      (s, i) => snap(i, s),
    );
    expect(pendingShards(all).map((s) => s.state)).toEqual(['waiting', 'active', 'delayed']);
  });
});

describe('emptyDatasetGate', () => {
  const plan = parsePlan(
    [
      'corpus: { path: c.jsonl }',
      "defaults: { policy: { endpoints: ['http://a:8000'], model: m }, ppm: { endpoints: ['http://a:8000'], model: r } }",
      'rounds:',
      '  - qRule: terminal',
      '  - qRule: ppm',
      '  - qRule: terminal',
    ].join('\n'),
  );
  const stats = { sftRows: 5, pairs: 0, problems: 10, missing: 0 };

  it('refuses 0 SFT rows in any round', () => {
    const err = emptyDatasetGate(plan, 3, { ...stats, sftRows: 0, missing: 7 });
    expect(err).toMatchObject({ round: 3, kind: 'empty-dataset', code: 'FAILED_PRECONDITION' });
    expect(err?.message).toContain('round 3: the dataset has 0 SFT rows from 3 of 10 problem(s)');
    expect(err?.message).toContain('the train hook was not run');
  });

  it('refuses 0 pairs only when the next round searches with a PPM', () => {
    expect(emptyDatasetGate(plan, 1, stats)?.message).toContain(
      '0 PPM pairs (round 2 searches with a PPM trained on them)',
    );
    expect(emptyDatasetGate(plan, 2, stats)).toBeNull();
    expect(emptyDatasetGate(plan, 3, stats)).toBeNull();
    expect(emptyDatasetGate(plan, 1, { ...stats, pairs: 4 })).toBeNull();
  });
});
