import { InvalidInputError, NotFoundError, shardJobId } from '@rstar-fleet/protocol';
import { SHARD_JOB, SHARD_QUEUE, queueKey, shardJobOptions } from '@rstar-fleet/queue';
import type { FleetContext } from './context';
import { shardJobData } from './flows';
import { readManifest } from './manifest';
import { requireRunState } from './run-state';
import { snapshotShards } from './status';
import type { RequeueOptions, RequeueOutcome, RequeueTarget } from './types';

/**
 * An active job whose lock is gone (its worker died) goes back to the waiting list, as BullMQ's
 * own stalled check would do, for a fleet where no worker is running that check right now.
 */
const UNSTALL = `
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
if redis.call("LREM", KEYS[2], 1, ARGV[1]) == 0 then return 0 end
redis.call("RPUSH", KEYS[3], ARGV[1])
redis.call("ZADD", KEYS[4], 0, "0")
return 1
`;

/**
 * Operator requeue. `failed`: retry the run's failed shard jobs; `stalled`: move active jobs
 * with no lock back to waiting; `shard N`: retry (failed), re-add (completed or gone) or leave
 * alone (waiting, active, delayed) one shard. Shards of a round that already completed need their
 * datasets extracted again once they finish: `reextract` lists those rounds.
 */
export async function requeue(
  ctx: FleetContext,
  run: string,
  target: RequeueTarget,
  options: RequeueOptions = {},
): Promise<RequeueOutcome> {
  const state = await requireRunState(ctx.store, run);
  const started = state.rounds.filter((r) => r.status !== 'pending');
  if (options.round !== undefined && !state.rounds.some((r) => r.round === options.round)) {
    throw new NotFoundError(`run ${run} has no round ${options.round}`);
  }
  const current = started.find((r) => r.status !== 'done') ?? started.at(-1);
  const rounds =
    options.round !== undefined
      ? [options.round]
      : target.kind === 'shard'
        ? current === undefined
          ? []
          : [current.round]
        : started.map((r) => r.round);
  const out: RequeueOutcome = { requeued: [], skipped: [], reextract: [] };
  for (const round of rounds) {
    const manifest = await readManifest(ctx.store, run, round);
    if (manifest === null) continue;
    const snaps = await snapshotShards(ctx, manifest);
    const picked =
      target.kind === 'shard'
        ? snaps.filter((s) => s.shard === target.shard)
        : snaps.filter((s) => s.state === (target.kind === 'failed' ? 'failed' : 'active'));
    if (target.kind === 'shard' && picked.length === 0) {
      throw new InvalidInputError(`round ${round} has no shard ${target.shard}`, {
        field: 'shard',
      });
    }
    for (const snap of picked) {
      const id = shardJobId(run, round, snap.shard);
      const key = (s: string): string => queueKey(ctx.prefix, SHARD_QUEUE, s);
      if (snap.state === 'failed') {
        const job = await ctx.shards.getJob(id);
        if (job === undefined) continue;
        await job.retry('failed');
      } else if (target.kind === 'stalled' && snap.state === 'active') {
        const moved = (await ctx.redis.eval(
          UNSTALL,
          4,
          key(`${id}:lock`),
          key('active'),
          key('wait'),
          key('marker'),
          id,
        )) as number;
        if (moved !== 1) {
          out.skipped.push({
            round,
            shard: snap.shard,
            state: snap.state,
            why: 'its worker holds the lock',
          });
          continue;
        }
      } else if (
        target.kind === 'shard' &&
        (snap.state === 'completed' || snap.state === 'missing')
      ) {
        // Results logs are keyed by search unit: a re-run only searches what is missing.
        const job = await ctx.shards.getJob(id);
        await job?.remove();
        await ctx.shards.add(SHARD_JOB, shardJobData(manifest, snap.phase, snap.shard), {
          ...shardJobOptions(),
          jobId: id,
        });
      } else {
        out.skipped.push({
          round,
          shard: snap.shard,
          state: snap.state,
          why: `already ${snap.state}`,
        });
        continue;
      }
      out.requeued.push({ round, shard: snap.shard, from: snap.state });
    }
    const roundState = state.rounds.find((r) => r.round === round);
    const completedAlready =
      roundState !== undefined &&
      !['pending', 'searching', 'escalating'].includes(roundState.status);
    if (completedAlready && out.requeued.some((r) => r.round === round)) out.reextract.push(round);
  }
  return out;
}

/** What to tell the operator after a requeue of shards of completed rounds. */
export function requeueHint(
  outcome: RequeueOutcome,
  run: string,
  planPath = 'PLAN',
): string | null {
  if (outcome.reextract.length === 0) return null;
  return outcome.reextract
    .map(
      (round) =>
        `round ${round} already completed: once its requeued shards finish, run\n` +
        `  rstar-fleet extract --plan ${planPath} --run ${run} --round ${round}`,
    )
    .join('\n');
}
