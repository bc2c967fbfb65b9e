import type { FlowJob } from 'bullmq';
import {
  roundJobId,
  shardJobId,
  type RoundJobData,
  type RoundManifest,
  type ShardJobData,
} from '@rstar-fleet/protocol';
import {
  ROUND_QUEUE,
  SHARD_QUEUE,
  queueKey,
  roundJobOptions,
  shardJobOptions,
} from '@rstar-fleet/queue';
import { shardInput, shardResults } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import { manifestKey } from './manifest';
import { UnknownPhaseError } from './unknown-phase-error';

export interface FlowOptions {
  shardRetry?: { attempts?: number; backoffMs?: number };
  /** Shards per Redis call (FleetOptions.flowChunk). */
  chunk: number;
}

export type FlowOutcome = 'added' | 'present' | 'retried';

export const SHARD_JOB_NAME = 'shard';
export const ROUND_JOB_NAME = 'round';

export function shardJobData(manifest: RoundManifest, phase: number, shard: number): ShardJobData {
  return {
    run: manifest.run,
    round: manifest.round,
    shard,
    phase,
    input: shardInput(manifest.run, manifest.round, shard),
    results: shardResults(manifest.run, manifest.round, shard),
    manifest: manifestKey(manifest.run, manifest.round),
  };
}

/**
 * Makes sure the flow of one phase exists: parent `round-<run>-<r>-<p>` in `rounds`, one child
 * per shard in `shards`. A parent already in Redis is left alone (re-adding a flow under the
 * same ids can leave the parent stuck in waiting-children, BullMQ #2554), except that a failed
 * parent (e.g. a hook failed) is retried. When the parent is gone, leftover children are
 * removed first and the whole flow is added again: shard re-runs are idempotent (results logs
 * are keyed by search unit).
 *
 * Phases with more shards than `chunk` are added as a flow with the first chunk, then the rest
 * as children of that parent; a parent only completes when every added child is done, and the
 * later chunks are added milliseconds after the first, long before a shard can finish.
 */
export async function ensurePhaseFlow(
  ctx: FleetContext,
  manifest: RoundManifest,
  phase: number,
  options: FlowOptions,
): Promise<FlowOutcome> {
  const spec = manifest.phases.find((p) => p.phase === phase);
  if (spec === undefined) throw new UnknownPhaseError(manifest.round, phase);
  const parentId = roundJobId(manifest.run, manifest.round, phase);
  const parent = await ctx.rounds.getJob(parentId);
  if (parent !== undefined) {
    if ((await parent.getState()) === 'failed') {
      await parent.retry('failed');
      return 'retried';
    }
    return 'present';
  }
  const shards = Array.from({ length: spec.shards }, (_, i) => spec.firstShard + i);
  // Which children are still in Redis: one pipelined EXISTS per job hash, then remove those.
  const exists = ctx.redis.pipeline();
  for (const shard of shards) {
    exists.exists(
      queueKey(ctx.prefix, SHARD_QUEUE, shardJobId(manifest.run, manifest.round, shard)),
    );
  }
  const found = ((await exists.exec()) ?? []).map(([, n]) => n === 1);
  for (const [i, shard] of shards.entries()) {
    if (found[i] !== true) continue;
    const leftover = await ctx.shards.getJob(shardJobId(manifest.run, manifest.round, shard));
    if (leftover !== undefined && (await leftover.getState()) !== 'active') {
      await leftover.remove().catch(() => undefined);
    }
  }
  const childOpts = shardJobOptions(options.shardRetry);
  const child = (shard: number): FlowJob => ({
    name: SHARD_JOB_NAME,
    queueName: SHARD_QUEUE,
    data: shardJobData(manifest, phase, shard),
    opts: { ...childOpts, jobId: shardJobId(manifest.run, manifest.round, shard) },
  });
  const { chunk } = options;
  const data: RoundJobData = {
    run: manifest.run,
    round: manifest.round,
    phase,
    manifest: manifestKey(manifest.run, manifest.round),
  };
  await ctx.flows.add({
    name: ROUND_JOB_NAME,
    queueName: ROUND_QUEUE,
    data,
    opts: { ...roundJobOptions(), jobId: parentId },
    children: shards.slice(0, chunk).map(child),
  });
  for (let i = chunk; i < shards.length; i += chunk) {
    await ctx.shards.addBulk(
      shards.slice(i, i + chunk).map((shard) => {
        const c = child(shard);
        return {
          name: c.name,
          data: c.data as ShardJobData,
          opts: {
            ...c.opts,
            parent: { id: parentId, queue: `${ctx.prefix}:${ROUND_QUEUE}` },
          },
        };
      }),
    );
  }
  return 'added';
}
