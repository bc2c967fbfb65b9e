import type { FlowJob } from 'bullmq';
import {
  evalJobId,
  evalShardJobId,
  roundJobId,
  shardJobId,
  type EvalJobData,
  type EvalManifest,
  type EvalShardJobData,
  type RoundJobData,
  type RoundManifest,
  type ShardJobData,
} from '@rstar-fleet/protocol';
import {
  EVAL_JOB,
  EVAL_SHARD_JOB,
  ROUND_JOB,
  ROUND_QUEUE,
  SHARD_JOB,
  SHARD_QUEUE,
  queueKey,
  roundJobOptions,
  shardJobOptions,
} from '@rstar-fleet/queue';
import { evalShardInput, evalShardResults, shardInput, shardResults } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import { evalManifestKey } from './eval-manifest';
import { manifestKey } from './manifest';
import { UnknownPhaseError } from './unknown-phase-error';

export interface FlowOptions {
  shardRetry?: { attempts?: number; backoffMs?: number };
  /** Shards per Redis call (FleetOptions.flowChunk). */
  chunk: number;
}

export type FlowOutcome = 'added' | 'present' | 'retried';

/**
 * One flow: a parent job in `rounds` that runs once every child in `shards` is done. Rounds'
 * phases and evaluations are both this shape; only the names, ids and payloads differ.
 */
export interface FlowSpec {
  parent: { name: string; id: string; data: object };
  child: {
    name: string;
    shards: readonly number[];
    id(shard: number): string;
    data(shard: number): object;
  };
}

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

export function evalShardJobData(manifest: EvalManifest, shard: number): EvalShardJobData {
  const { run, round, name } = manifest;
  return {
    run,
    round,
    evaluation: name,
    shard,
    input: evalShardInput(run, round, name, shard),
    results: evalShardResults(run, round, name, shard),
    manifest: evalManifestKey(run, round, name),
  };
}

/** Every shard index of an evaluation, benchmark after benchmark. */
export function evalShards(manifest: EvalManifest): number[] {
  return manifest.benchmarks.flatMap((b) =>
    Array.from({ length: b.shards }, (_, i) => b.firstShard + i),
  );
}

/** The flow of one phase of a round: parent `round-<run>-<r>-<p>`, one child per shard. */
export function ensurePhaseFlow(
  ctx: FleetContext,
  manifest: RoundManifest,
  phase: number,
  options: FlowOptions,
): Promise<FlowOutcome> {
  const spec = manifest.phases.find((p) => p.phase === phase);
  if (spec === undefined) throw new UnknownPhaseError(manifest.round, phase);
  const { run, round } = manifest;
  const data: RoundJobData = { run, round, phase, manifest: manifestKey(run, round) };
  return ensureFlow(
    ctx,
    {
      parent: { name: ROUND_JOB, id: roundJobId(run, round, phase), data },
      child: {
        name: SHARD_JOB,
        shards: Array.from({ length: spec.shards }, (_, i) => spec.firstShard + i),
        id: (shard) => shardJobId(run, round, shard),
        data: (shard) => shardJobData(manifest, phase, shard),
      },
    },
    options,
  );
}

/** The flow of one evaluation: parent `eval.<run>.<r>.<name>`, one child per eval shard. */
export function ensureEvalFlow(
  ctx: FleetContext,
  manifest: EvalManifest,
  options: FlowOptions,
): Promise<FlowOutcome> {
  const { run, round, name } = manifest;
  const data: EvalJobData = {
    run,
    round,
    evaluation: name,
    manifest: evalManifestKey(run, round, name),
  };
  return ensureFlow(
    ctx,
    {
      parent: { name: EVAL_JOB, id: evalJobId(run, round, name), data },
      child: {
        name: EVAL_SHARD_JOB,
        shards: evalShards(manifest),
        id: (shard) => evalShardJobId(run, round, name, shard),
        data: (shard) => evalShardJobData(manifest, shard),
      },
    },
    options,
  );
}

/**
 * Makes sure a flow exists: its parent in `rounds`, one child per shard in `shards`. A parent
 * already in Redis is left alone (re-adding a flow under the same ids can leave the parent stuck
 * in waiting-children, BullMQ #2554), except that a failed parent (e.g. a hook failed, too many
 * shards failed) is retried. When the parent is gone, leftover children are removed first and
 * the whole flow is added again: shard re-runs are idempotent (results logs are keyed).
 *
 * Flows with more shards than `chunk` are added with the first chunk, then the rest as children
 * of that parent; a parent only completes when every added child is done, and the later chunks
 * are added milliseconds after the first, long before a shard can finish.
 */
export async function ensureFlow(
  ctx: FleetContext,
  spec: FlowSpec,
  options: FlowOptions,
): Promise<FlowOutcome> {
  const { parent: p, child: c } = spec;
  const parent = await ctx.rounds.getJob(p.id);
  if (parent !== undefined) {
    if ((await parent.getState()) === 'failed') {
      await parent.retry('failed');
      return 'retried';
    }
    return 'present';
  }
  // Which children are still in Redis: one pipelined EXISTS per job hash, then remove those.
  const exists = ctx.redis.pipeline();
  for (const shard of c.shards) exists.exists(queueKey(ctx.prefix, SHARD_QUEUE, c.id(shard)));
  const found = ((await exists.exec()) ?? []).map(([, n]) => n === 1);
  for (const [i, shard] of c.shards.entries()) {
    if (found[i] !== true) continue;
    const leftover = await ctx.shards.getJob(c.id(shard));
    if (leftover !== undefined && (await leftover.getState()) !== 'active') {
      await leftover.remove().catch(() => undefined);
    }
  }
  const childOpts = shardJobOptions(options.shardRetry);
  const child = (shard: number): FlowJob => ({
    name: c.name,
    queueName: SHARD_QUEUE,
    data: c.data(shard),
    opts: { ...childOpts, jobId: c.id(shard) },
  });
  const { chunk } = options;
  await ctx.flows.add({
    name: p.name,
    queueName: ROUND_QUEUE,
    data: p.data,
    opts: { ...roundJobOptions(), jobId: p.id },
    children: c.shards.slice(0, chunk).map(child),
  });
  for (let i = chunk; i < c.shards.length; i += chunk) {
    await ctx.shards.addBulk(
      c.shards.slice(i, i + chunk).map((shard) => ({
        name: c.name,
        data: c.data(shard),
        opts: {
          ...childOpts,
          jobId: c.id(shard),
          parent: { id: p.id, queue: `${ctx.prefix}:${ROUND_QUEUE}` },
        },
      })),
    );
  }
  return 'added';
}
