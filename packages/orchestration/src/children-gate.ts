import { DelayedError, WaitingChildrenError, type Job } from 'bullmq';
import { pendingShards } from './round-gate';
import type { ShardSnapshot } from './status';

/** How long a parent job waits before looking again at shards requeued outside its flow. */
export const PENDING_SHARDS_RECHECK_MS = 5000;

/**
 * A parent job (a round phase, an evaluation) runs once its children are finished; this makes
 * sure they all are, and returns their snapshots. A retried parent whose failed children were
 * requeued (they are its children again) waits for them as BullMQ parents do
 * (WaitingChildrenError); shards re-added outside the flow (`requeue --shard`) are looked at
 * again in a moment (DelayedError). Either way the job is back in Redis and this throws.
 */
export async function awaitChildren(
  job: Job,
  token: string | undefined,
  snapshot: () => Promise<ShardSnapshot[]>,
  onPending: (pending: ShardSnapshot[]) => void,
): Promise<ShardSnapshot[]> {
  if (token !== undefined && (await job.moveToWaitingChildren(token))) {
    throw new WaitingChildrenError();
  }
  const snaps = await snapshot();
  const pending = pendingShards(snaps);
  if (pending.length > 0 && token !== undefined) {
    onPending(pending);
    await job.moveToDelayed(Date.now() + PENDING_SHARDS_RECHECK_MS, token);
    throw new DelayedError();
  }
  return snaps;
}
