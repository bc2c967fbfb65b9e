import {
  EvalShardJobResultSchema,
  evalJobId,
  evalShardJobId,
  type EvalManifest,
} from '@rstar-fleet/protocol';
import { evalFile } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import { evalShards } from './flows';
import { snapshotShardJobs, type ShardSnapshot } from './status';
import { SHARD_STATES, type ShardState } from './types';

/** Eval runs (searches) the evaluation asks for: problems × runs of every mode. */
export function evalUnits(manifest: EvalManifest): number {
  const problems = manifest.benchmarks.reduce((n, b) => n + b.problems, 0);
  return problems * manifest.modes.reduce((n, m) => n + m.runs, 0);
}

/** The state of every eval-shard job of an evaluation (phase 0: evaluations have one). */
export function snapshotEvalShards(
  ctx: Pick<FleetContext, 'redis' | 'prefix'>,
  manifest: EvalManifest,
): Promise<ShardSnapshot[]> {
  const { run, round, name } = manifest;
  const refs = evalShards(manifest).map((shard) => ({
    shard,
    phase: 0,
    id: evalShardJobId(run, round, name, shard),
  }));
  return snapshotShardJobs(ctx, round, refs, (value) => {
    const result = EvalShardJobResultSchema.safeParse(value);
    return result.success
      ? { units: result.data.written + result.data.skipped, solved: result.data.correct }
      : null;
  });
}

export const EVAL_STATUSES = ['queued', 'running', 'reporting', 'reported', 'failed'] as const;
export type EvalStatusName = (typeof EVAL_STATUSES)[number];

/** Where one evaluation is: `status --json`'s `evaluations[]`, and the eval command's progress. */
export interface EvalProgress {
  round: number;
  evaluation: string;
  status: EvalStatusName;
  /** Why the evaluation's parent job failed (too many shards failed); null otherwise. */
  error: string | null;
  shards: Record<ShardState, number> & { total: number };
  /** Eval runs finished (written or found written) and asked for. */
  units: { total: number; done: number };
  /** Finished runs whose answer was correct (per run, before any vote). */
  correct: number;
  elapsedSeconds: number;
  /** Seconds until every run is done at the rate so far; null while unknown. */
  etaSeconds: number | null;
}

/**
 * An evaluation's progress from Redis (its shard jobs and parent) and the store (whether its
 * report is written). The clock starts when its parent job was first added.
 */
export async function evalProgress(
  ctx: FleetContext,
  manifest: EvalManifest,
): Promise<EvalProgress> {
  const { run, round, name } = manifest;
  const [snaps, parent, reported] = await Promise.all([
    snapshotEvalShards(ctx, manifest),
    ctx.rounds.getJob(evalJobId(run, round, name)),
    ctx.store.exists(evalFile(run, round, name, 'report.json')),
  ]);
  const parentState = parent === undefined ? null : await parent.getState();
  return composeEvalProgress(manifest, snaps, {
    reported,
    parentFailed: parentState === 'failed' ? (parent?.failedReason ?? 'failed') : null,
    parentWaiting: parentState === 'waiting' || parentState === 'active',
    startedAt: parent?.timestamp ?? null,
    now: Date.now(),
  });
}

export function composeEvalProgress(
  manifest: EvalManifest,
  snaps: readonly ShardSnapshot[],
  at: {
    reported: boolean;
    parentFailed: string | null;
    parentWaiting: boolean;
    startedAt: number | null;
    now: number;
  },
): EvalProgress {
  const shards = Object.fromEntries(SHARD_STATES.map((s) => [s, 0])) as EvalProgress['shards'];
  shards.total = evalShards(manifest).length;
  for (const s of snaps) shards[s.state]++;
  const total = evalUnits(manifest);
  // What the shard jobs report written; the report itself says what it counted.
  const done = Math.min(
    total,
    snaps.reduce((n, s) => n + s.units, 0),
  );
  const elapsed = at.startedAt === null ? 0 : Math.max(0, (at.now - at.startedAt) / 1000);
  const rate = elapsed > 0 ? done / elapsed : 0;
  const status: EvalStatusName = at.reported
    ? 'reported'
    : at.parentFailed !== null
      ? 'failed'
      : at.parentWaiting
        ? 'reporting'
        : done > 0 || shards.active > 0
          ? 'running'
          : 'queued';
  return {
    round: manifest.round,
    evaluation: manifest.name,
    status,
    error: at.parentFailed,
    shards,
    units: { total, done },
    correct: snaps.reduce((n, s) => n + s.solved, 0),
    elapsedSeconds: Math.round(elapsed),
    etaSeconds:
      status === 'reported'
        ? 0
        : status === 'failed' || rate === 0
          ? null
          : Math.round((total - done) / rate),
  };
}
