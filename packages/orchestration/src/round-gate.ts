import type { RunPlan } from '@rstar-fleet/config';
import { RoundFailedError } from './round-failed-error';
import type { FailedShard } from './run-state';
import type { ShardSnapshot } from './status';

/** Failed shards named one by one in the run's error; the rest are counted. */
const LISTED_SHARDS = 10;

/** Shard jobs that are neither finished nor failed: the round waits for them. */
export function pendingShards(snaps: readonly ShardSnapshot[]): ShardSnapshot[] {
  return snaps.filter(
    (s) => s.state === 'waiting' || s.state === 'active' || s.state === 'delayed',
  );
}

/** Failed shards above a share of all: each one, and the list the error names them in. */
export interface FailedShareOver {
  failed: number;
  of: number;
  shards: FailedShard[];
  /** `shard 3 (phase 0, 5 attempt(s)): reason; …` (the first ten, then a count). */
  listed: string;
}

/** The failed shards when their share of `snaps` is above `maxShare`; null when within it. */
export function failedShareOver(
  snaps: readonly ShardSnapshot[],
  maxShare: number,
): FailedShareOver | null {
  const failed = snaps.filter((s) => s.state === 'failed');
  if (failed.length === 0 || failed.length <= maxShare * snaps.length) return null;
  const listed = failed
    .slice(0, LISTED_SHARDS)
    .map(
      (s) =>
        `shard ${s.shard} (phase ${s.phase}, ${s.attempts} attempt(s)): ${s.failedReason ?? 'unknown'}`,
    );
  const more = failed.length > LISTED_SHARDS ? [`… and ${failed.length - LISTED_SHARDS} more`] : [];
  return {
    failed: failed.length,
    of: snaps.length,
    shards: failed.map((s) => ({
      shard: s.shard,
      phase: s.phase,
      reason: s.failedReason ?? 'unknown',
    })),
    listed: [...listed, ...more].join('; '),
  };
}

/**
 * The round's failed shards when their share of the round's shards (every phase so far) is above
 * `maxShare`, as the error that stops the run; null when the round may complete.
 */
export function failedShardGate(
  round: number,
  snaps: readonly ShardSnapshot[],
  maxShare: number,
): RoundFailedError | null {
  const over = failedShareOver(snaps, maxShare);
  if (over === null) return null;
  return new RoundFailedError(
    round,
    'failed-shards',
    over.shards,
    `round ${round}: ${over.failed} of ${over.of} shard(s) failed for good ` +
      `(maxFailedShardShare ${maxShare}); stopped before training. ${over.listed}. ` +
      'Fix the cause, then `rstar-fleet requeue --failed` and `rstar-fleet run` again',
  );
}

/**
 * A train hook never runs on an empty dataset: no SFT rows, or no PPM pairs when the next round
 * searches with a PPM (qRule ppm or beam mode) that this round's pairs train. Null when it may run.
 */
export function emptyDatasetGate(
  plan: RunPlan,
  round: number,
  stats: { sftRows: number; pairs: number; problems: number; missing: number },
): RoundFailedError | null {
  const next = plan.rounds[round];
  const nextUsesPpm =
    next !== undefined && (next.search.qRule === 'ppm' || next.search.mode === 'beam');
  const empty =
    stats.sftRows === 0 ? '0 SFT rows' : nextUsesPpm && stats.pairs === 0 ? '0 PPM pairs' : null;
  if (empty === null) return null;
  const why =
    empty === '0 PPM pairs' ? ` (round ${round + 1} searches with a PPM trained on them)` : '';
  return new RoundFailedError(
    round,
    'empty-dataset',
    [],
    `round ${round}: the dataset has ${empty}${why} from ${stats.problems - stats.missing} of ` +
      `${stats.problems} problem(s) searched; the train hook was not run. Check the round's ` +
      'stats.json and the workers (`rstar-fleet status`), then `rstar-fleet run` again',
  );
}
