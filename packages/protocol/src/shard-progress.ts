import { z } from 'zod';

const count = z.number().int().min(0);

/**
 * What a shard job reports while it runs (BullMQ job progress, written by the rollout worker,
 * read by the orchestrator's progress events and `status`). Units = problem × tree.
 */
export const ShardProgressSchema = z.strictObject({
  /** Units finished in this attempt or found already written (written + skipped). */
  done: count,
  /** Units of the shard. */
  total: count,
  /** Problems of the shard with a correct answer so far (any of their units). */
  solved: count,
  /** Units written by this attempt. */
  written: count,
  /** Units found already written (a re-run). */
  skipped: count,
});
export type ShardProgress = z.infer<typeof ShardProgressSchema>;

/** A job's progress value as a ShardProgress; null when it is none (no progress reported yet). */
export function parseShardProgress(value: unknown): ShardProgress | null {
  const parsed = ShardProgressSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
