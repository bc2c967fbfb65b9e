import {
  InvalidInputError,
  NotFoundError,
  evalJobId,
  evalShardJobId,
  shardJobId,
  type EvalManifest,
} from '@rstar-fleet/protocol';
import {
  EVAL_SHARD_JOB,
  SHARD_JOB,
  SHARD_QUEUE,
  queueKey,
  shardJobOptions,
} from '@rstar-fleet/queue';
import { evalFile } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import { EVAL_NAMES } from './eval-manifest';
import { snapshotEvalShards } from './eval-progress';
import { listEvalManifests, readRunStateOrEvaluated } from './eval-status';
import { evalShardJobData, shardJobData } from './flows';
import { readManifest } from './manifest';
import type { RunState } from './run-state';
import { snapshotShards, type ShardSnapshot } from './status';
import type { RequeueOptions, RequeueOutcome, RequeueTarget, RequeuedShard } from './types';

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
 * The shard jobs of one flow: a round's (its phases' shards) or an evaluation's (its eval
 * shards). Both live on the `shards` queue and are requeued alike; only ids and payloads differ.
 */
interface ShardGroup {
  round: number;
  /** The evaluation's name; undefined for a round's own shards. */
  evaluation?: string;
  snaps: ShardSnapshot[];
  id(shard: number): string;
  /** Adds a completed or gone shard's job again; its results log keeps what is written. */
  readd(snap: ShardSnapshot, id: string): Promise<unknown>;
  /** After its shards are requeued: what else must happen for them to count (see outcome). */
  after(out: RequeueOutcome): Promise<void>;
}

/**
 * Operator requeue. `failed`: retry the run's failed shard jobs (rounds' and evaluations');
 * `stalled`: move active jobs with no lock back to waiting; `shard N`: retry (failed), re-add
 * (completed or gone) or leave alone (waiting, active, delayed) one shard of a round, or of an
 * evaluation with `evaluation`. Shards of a round that already completed need their datasets
 * extracted again once they finish (`reextract`); those of an evaluation already reported, or
 * whose report failed, need it written again (`reevaluate`).
 */
export async function requeue(
  ctx: FleetContext,
  run: string,
  target: RequeueTarget,
  options: RequeueOptions = {},
): Promise<RequeueOutcome> {
  const state = await readRunStateOrEvaluated(ctx.store, run);
  const groups = await shardGroups(ctx, run, state, target, options);
  const out: RequeueOutcome = { requeued: [], skipped: [], reextract: [], reevaluate: [] };
  const key = (s: string): string => queueKey(ctx.prefix, SHARD_QUEUE, s);
  for (const group of groups) {
    const picked =
      target.kind === 'shard'
        ? group.snaps.filter((s) => s.shard === target.shard)
        : group.snaps.filter((s) => s.state === (target.kind === 'failed' ? 'failed' : 'active'));
    if (target.kind === 'shard' && picked.length === 0) {
      const of = group.evaluation === undefined ? '' : `evaluation ${group.evaluation} of `;
      throw new InvalidInputError(`${of}round ${group.round} has no shard ${target.shard}`, {
        field: 'shard',
      });
    }
    let requeued = 0;
    for (const snap of picked) {
      const at: RequeuedShard = {
        round: group.round,
        ...(group.evaluation === undefined ? {} : { evaluation: group.evaluation }),
        shard: snap.shard,
      };
      const id = group.id(snap.shard);
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
          out.skipped.push({ ...at, state: snap.state, why: 'its worker holds the lock' });
          continue;
        }
      } else if (
        target.kind === 'shard' &&
        (snap.state === 'completed' || snap.state === 'missing')
      ) {
        // Results logs are keyed (search units, eval runs): a re-run only does what is missing.
        const job = await ctx.shards.getJob(id);
        await job?.remove();
        await group.readd(snap, id);
      } else {
        out.skipped.push({ ...at, state: snap.state, why: `already ${snap.state}` });
        continue;
      }
      out.requeued.push({ ...at, from: snap.state });
      requeued++;
    }
    if (requeued > 0) await group.after(out);
  }
  return out;
}

/** Which rounds' and evaluations' shards the target and options pick, in that order. */
async function shardGroups(
  ctx: FleetContext,
  run: string,
  state: RunState | null,
  target: RequeueTarget,
  options: RequeueOptions,
): Promise<ShardGroup[]> {
  const rounds = state?.rounds ?? [];
  const started = rounds.filter((r) => r.status !== 'pending');
  const evaluations = await listEvalManifests(ctx.store, run, state?.rounds.length ?? null);
  if (options.evaluation !== undefined) {
    const named = evaluations.filter((m) => m.name === options.evaluation);
    const round = options.round ?? named.at(-1)?.round;
    const manifest = named.find((m) => m.round === round);
    if (manifest === undefined) {
      throw new NotFoundError(
        `run ${run} has no evaluation ${options.evaluation}` +
          (options.round === undefined ? '' : ` of round ${options.round}`),
      );
    }
    return [await evalGroup(ctx, manifest)];
  }
  const ofRound = options.round;
  if (
    ofRound !== undefined &&
    !rounds.some((r) => r.round === ofRound) &&
    (target.kind === 'shard' || !evaluations.some((m) => m.round === ofRound))
  ) {
    throw new NotFoundError(`run ${run} has no round ${ofRound}`);
  }
  const current = started.find((r) => r.status !== 'done') ?? started.at(-1);
  const roundNumbers =
    ofRound !== undefined
      ? rounds.some((r) => r.round === ofRound)
        ? [ofRound]
        : []
      : target.kind === 'shard'
        ? current === undefined
          ? []
          : [current.round]
        : started.map((r) => r.round);
  const groups: ShardGroup[] = [];
  for (const round of roundNumbers) {
    const group = await roundGroup(ctx, state, run, round);
    if (group !== null) groups.push(group);
  }
  // `shard N` without an evaluation is a round's shard; failed/stalled are every flow's.
  if (target.kind !== 'shard') {
    for (const manifest of evaluations) {
      if (ofRound === undefined || manifest.round === ofRound) {
        groups.push(await evalGroup(ctx, manifest));
      }
    }
  }
  return groups;
}

async function roundGroup(
  ctx: FleetContext,
  state: RunState | null,
  run: string,
  round: number,
): Promise<ShardGroup | null> {
  const manifest = await readManifest(ctx.store, run, round);
  if (manifest === null) return null;
  return {
    round,
    snaps: await snapshotShards(ctx, manifest),
    id: (shard) => shardJobId(run, round, shard),
    readd: (snap, id) =>
      ctx.shards.add(SHARD_JOB, shardJobData(manifest, snap.phase, snap.shard), {
        ...shardJobOptions(),
        jobId: id,
      }),
    after: (out) => {
      const status = state?.rounds.find((r) => r.round === round)?.status;
      const completedAlready =
        status !== undefined && !['pending', 'searching', 'escalating'].includes(status);
      if (completedAlready) out.reextract.push(round);
      return Promise.resolve();
    },
  };
}

async function evalGroup(ctx: FleetContext, manifest: EvalManifest): Promise<ShardGroup> {
  const { run, round, name } = manifest;
  return {
    round,
    evaluation: name,
    snaps: await snapshotEvalShards(ctx, manifest),
    id: (shard) => evalShardJobId(run, round, name, shard),
    readd: (snap, id) =>
      ctx.shards.add(EVAL_SHARD_JOB, evalShardJobData(manifest, snap.shard), {
        ...shardJobOptions(),
        jobId: id,
      }),
    after: async (out) => {
      // A report already written does not count them; a failed parent waits for nothing.
      if (await ctx.store.exists(evalFile(run, round, name, 'report.json'))) {
        out.reevaluate.push({ round, evaluation: name, was: 'reported' });
        return;
      }
      const parent = await ctx.rounds.getJob(evalJobId(run, round, name));
      if (parent !== undefined && (await parent.getState()) === 'failed') {
        out.reevaluate.push({ round, evaluation: name, was: 'failed' });
      }
    },
  };
}

/** What to tell the operator after a requeue of shards of completed rounds or evaluations. */
export function requeueHint(
  outcome: RequeueOutcome,
  run: string,
  planPath = 'PLAN',
): string | null {
  const lines = [
    ...outcome.reextract.map(
      (round) =>
        `round ${round} already completed: once its requeued shards finish, run\n` +
        `  rstar-fleet extract --plan ${planPath} --run ${run} --round ${round}`,
    ),
    ...outcome.reevaluate.map(({ round, evaluation, was }) =>
      was === 'reported'
        ? `evaluation ${evaluation} of round ${round} already reported: once its requeued ` +
          `shards finish, recount it with\n  rstar-fleet eval --plan ${planPath} --run ${run} ` +
          `--round ${round} --name ${evaluation} --report`
        : `evaluation ${evaluation} of round ${round} failed: once its requeued shards finish, ` +
          `run the same ${
            evaluation === EVAL_NAMES.plan ? '`rstar-fleet run`' : '`rstar-fleet eval`'
          } again to write its report`,
    ),
  ];
  return lines.length === 0 ? null : lines.join('\n');
}
