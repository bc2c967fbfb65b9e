import type { ShardProgress } from './types';

/**
 * A shard job's progress as the worker reports it (job.updateProgress): the rollout worker's
 * `{done, total, solved, written, skipped}` (packages/rollout), `{units, solved?}`, or a bare
 * number of units. Anything else (no progress yet) is null.
 */
export function parseShardProgress(value: unknown): ShardProgress | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return { units: value };
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const units = typeof v.units === 'number' ? v.units : typeof v.done === 'number' ? v.done : null;
  if (units === null || !Number.isFinite(units) || units < 0) return null;
  return typeof v.solved === 'number' ? { units, solved: v.solved } : { units };
}
