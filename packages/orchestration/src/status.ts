import { z } from 'zod';
import {
  ShardJobResultSchema,
  parseShardProgress,
  shardJobId,
  type RoundManifest,
  type WorkerHealthRecord,
} from '@rstar-fleet/protocol';
import { SHARD_QUEUE, queueKey, readWorkerHealth } from '@rstar-fleet/queue';
import { readIfExists, roundFile, type ArtifactStore } from '@rstar-fleet/store';
import { STATUS_REDIS_DEADLINE_MS } from './command-defaults';
import type { FleetContext } from './context';
import { withDeadline } from './deadline';
import { evalStatuses, readRunStateOrEvaluated, type EvalStatus } from './eval-status';
import { readEvalTable } from './eval-table-files';
import { readManifest } from './manifest';
import type { RoundState, RunState } from './run-state';
import { SHARD_STATES, type RunStatus, type ShardFailure, type ShardState } from './types';

/** One shard job as Redis has it, read in one pipelined batch for the whole round. */
export interface ShardSnapshot {
  round: number;
  phase: number;
  shard: number;
  state: ShardState;
  /** Units finished (from progress, or the result when completed). */
  units: number;
  /** Problems solved (from the result when completed, else progress). */
  solved: number;
  failedReason: string | null;
  attempts: number;
}

/** A shard job to snapshot: its index, phase and job id. */
export interface ShardJobRef {
  shard: number;
  phase: number;
  id: string;
}

/** Units finished and problems solved that a completed job's return value reports; null if none. */
export type JobResultUnits = (value: unknown) => { units: number; solved: number } | null;

/** The state of every shard job of a round (every phase so far): see snapshotShardJobs. */
export function snapshotShards(
  ctx: Pick<FleetContext, 'redis' | 'prefix'>,
  manifest: RoundManifest,
): Promise<ShardSnapshot[]> {
  const shards: ShardJobRef[] = [];
  for (const p of manifest.phases) {
    for (let s = p.firstShard; s < p.firstShard + p.shards; s++) {
      shards.push({ shard: s, phase: p.phase, id: shardJobId(manifest.run, manifest.round, s) });
    }
  }
  return snapshotShardJobs(ctx, manifest.round, shards, (value) => {
    const result = ShardJobResultSchema.safeParse(value);
    return result.success
      ? { units: result.data.written + result.data.skipped, solved: result.data.solved }
      : null;
  });
}

/**
 * Reads the state of shard jobs with one pipeline: ZMSCORE against the
 * completed/failed/delayed/prioritized/waiting-children sets, the active list, and one HMGET per
 * job hash (progress, result, failedReason, attempts). A job hash without a set is waiting.
 */
export async function snapshotShardJobs(
  ctx: Pick<FleetContext, 'redis' | 'prefix'>,
  round: number,
  shards: readonly ShardJobRef[],
  resultUnits: JobResultUnits,
): Promise<ShardSnapshot[]> {
  if (shards.length === 0) return [];
  const key = (suffix: string): string => queueKey(ctx.prefix, SHARD_QUEUE, suffix);
  const ids = shards.map((s) => s.id);
  const sets = ['completed', 'failed', 'delayed', 'prioritized', 'waiting-children'] as const;
  const pipeline = ctx.redis.pipeline();
  for (const set of sets) pipeline.zmscore(key(set), ...ids);
  pipeline.lrange(key('active'), 0, -1);
  for (const id of ids)
    pipeline.hmget(key(id), 'progress', 'returnvalue', 'failedReason', 'atm', 'data');
  const replies = (await pipeline.exec()) ?? [];
  const value = (i: number): unknown => {
    const [err, v] = replies[i] ?? [null, null];
    if (err) throw err;
    return v;
  };
  const scores = sets.map((_, i) => value(i) as (string | null)[]);
  const active = new Set(value(sets.length) as string[]);
  return shards.map((s, i) => {
    const fields = value(sets.length + 1 + i) as (string | null)[];
    const [progressText, resultText, failedReason, atm, data] = fields;
    const inSet = (j: number): boolean => scores[j]?.[i] !== null && scores[j]?.[i] !== undefined;
    const state: ShardState = inSet(0)
      ? 'completed'
      : inSet(1)
        ? 'failed'
        : inSet(2)
          ? 'delayed'
          : active.has(s.id)
            ? 'active'
            : inSet(3) || inSet(4) || data !== null
              ? 'waiting'
              : 'missing';
    let units = 0;
    let solved = 0;
    const progress = parseShardProgress(safeJson(progressText));
    if (progress !== null) {
      units = progress.done;
      solved = progress.solved;
    }
    const result = state === 'completed' ? resultUnits(safeJson(resultText)) : null;
    if (result !== null) {
      units = Math.max(units, result.units);
      solved = result.solved;
    }
    return {
      round,
      phase: s.phase,
      shard: s.shard,
      state,
      units,
      solved,
      failedReason: state === 'failed' ? (failedReason ?? 'unknown') : null,
      attempts: Number(atm ?? 0) || 0,
    };
  });
}

function safeJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export { STATUS_REDIS_DEADLINE_MS };

export interface RunStatusOptions {
  /** Deadline of the Redis reads (shard jobs). Default STATUS_REDIS_DEADLINE_MS. */
  redisDeadlineMs?: number;
}

/**
 * `rstar-fleet status --json`: where the run is, from run.json (and the round's manifest and
 * stats.json) in the store and the shard jobs in Redis. Redis down or slow past the deadline
 * does not fail it: the answer is what the store knows, with `redis.reachable: false` and why.
 * A run not begun whose models were evaluated (no run.json) is `not-started`, with those.
 */
export async function getRunStatus(
  ctx: FleetContext,
  run: string,
  options: RunStatusOptions = {},
): Promise<RunStatus> {
  const state = await readRunStateOrEvaluated(ctx.store, run);
  const current = state === null ? null : currentRound(state);
  const evalRounds = state === null ? null : state.rounds.length;
  const manifest = current === null ? null : await readManifest(ctx.store, run, current.round);
  const address = ctx.plan.redis.url;
  const deadline = options.redisDeadlineMs ?? STATUS_REDIS_DEADLINE_MS;
  let redis: RunStatus['redis'] = { address, reachable: true, error: null };
  let snaps: ShardSnapshot[] = [];
  let workers: WorkerHealthRecord[] = [];
  let evaluations: EvalStatus[] | null = null;
  const health = ctx.redisHealth();
  if (!health.reachable) {
    redis = { address, reachable: false, error: health.error ?? 'not connected' };
  } else {
    try {
      [snaps, workers, evaluations] = await withDeadline(
        Promise.all([
          manifest === null ? Promise.resolve([]) : snapshotShards(ctx, manifest),
          readWorkerHealth(ctx.redis, ctx.prefix),
          evalStatuses(ctx.store, run, evalRounds, ctx),
        ]),
        deadline,
        `Redis at ${address}`,
      );
    } catch (err) {
      redis = { address, reachable: false, error: (err as Error).message };
    }
  }
  return composeStatus(
    run,
    state,
    manifest,
    snaps,
    await readStatsIfAny(ctx.store, run, current),
    redis,
    workers,
    evaluations ?? (await evalStatuses(ctx.store, run, evalRounds, null)),
    await readEvalTable(ctx.store, run),
  );
}

/** The status when Redis could not be reached at all: run.json, the manifest and stats only. */
export async function getStoreRunStatus(
  store: ArtifactStore,
  run: string,
  redis: { address: string; error: string },
): Promise<RunStatus> {
  const state = await readRunStateOrEvaluated(store, run);
  const current = state === null ? null : currentRound(state);
  const manifest = current === null ? null : await readManifest(store, run, current.round);
  return composeStatus(
    run,
    state,
    manifest,
    [],
    await readStatsIfAny(store, run, current),
    { ...redis, reachable: false },
    [],
    await evalStatuses(store, run, state === null ? null : state.rounds.length, null),
    await readEvalTable(store, run),
  );
}

/** The round in progress, else the last one started; null before the first starts. */
function currentRound(state: RunState): RoundState | null {
  return (
    state.rounds.find((r) => r.status !== 'done' && r.status !== 'pending') ??
    [...state.rounds].reverse().find((r) => r.status !== 'pending') ??
    null
  );
}

/** What the round's stats.json says was written (after its extraction), for `done` counts. */
interface WrittenStats {
  problems: number;
  missing: number;
  phases: { phase: number; records: number }[];
}

async function readStatsIfAny(
  store: ArtifactStore,
  run: string,
  current: RoundState | null,
): Promise<WrittenStats | null> {
  if (current === null || current.summary === null) return null;
  const data = await readIfExists(store, roundFile(run, current.round, 'stats.json'));
  const parsed = writtenStatsSchema.safeParse(safeJson(data?.toString('utf8')));
  return parsed.success ? parsed.data : null;
}

const writtenStatsSchema = z.object({
  problems: z.number().int().min(0),
  missing: z.number().int().min(0),
  phases: z.array(z.object({ phase: z.number().int(), records: z.number().int().min(0) })),
});

/**
 * Counts are of what is written: units and problems from the shard jobs (progress and results
 * report units in the results logs) and, once the round is extracted, from its stats.json
 * (problems with a record); a finished round is never assumed to have done them all.
 */
function composeStatus(
  run: string,
  /** Null: a run not begun, known by its evaluations (readRunStateOrEvaluated). */
  state: RunState | null,
  manifest: RoundManifest | null,
  snaps: ShardSnapshot[],
  written: WrittenStats | null,
  redis: RunStatus['redis'],
  workers: WorkerHealthRecord[],
  evaluations: EvalStatus[],
  roundTable: RunStatus['roundTable'],
): RunStatus {
  const current = state === null ? null : currentRound(state);
  const shards = Object.fromEntries(SHARD_STATES.map((s) => [s, 0])) as RunStatus['shards'];
  shards.total = manifest === null ? 0 : sum(manifest.phases.map((p) => p.shards));
  for (const s of snaps) shards[s.state]++;
  const phase = manifest?.phases.at(-1) ?? null;
  const phaseSnaps = phase === null ? [] : snaps.filter((s) => s.phase === phase.phase);
  const unitsTotal = phase === null ? 0 : phase.problems * phase.trees;
  const unitsWritten =
    phase === null ? 0 : (written?.phases.find((p) => p.phase === phase.phase)?.records ?? 0);
  const unitsDone = Math.min(
    unitsTotal,
    Math.max(unitsWritten, sum(phaseSnaps.map((s) => s.units))),
  );
  const first = manifest?.phases[0] ?? null;
  const problemsTotal = first?.problems ?? 0;
  const firstUnits = sum(snaps.filter((s) => s.phase === first?.phase).map((s) => s.units));
  const problemsDone = Math.min(
    problemsTotal,
    Math.max(
      written === null ? 0 : written.problems - written.missing,
      Math.floor(firstUnits / (first?.trees ?? 1)),
    ),
  );
  const trees = phase?.trees ?? 1;
  const phaseState = current?.phases.find((p) => p.phase === phase?.phase);
  const since = phaseState?.startedAt ?? current?.startedAt ?? null;
  const elapsed = since === null ? 0 : Math.max(0, (Date.now() - Date.parse(since)) / 1000);
  const unitRate = elapsed > 0 ? unitsDone / elapsed : 0;
  const finishedRound = current?.status === 'done';
  const failures: ShardFailure[] = redis.reachable
    ? snaps
        .filter((s) => s.state === 'failed')
        .map((s) => ({
          round: s.round,
          phase: s.phase,
          shard: s.shard,
          reason: s.failedReason ?? 'unknown',
          attempts: s.attempts,
        }))
    : // Without Redis: the failures run.json recorded (attempts unknown there).
      (current?.failedShards ?? []).map((f) => ({
        round: current?.round ?? 0,
        phase: f.phase,
        shard: f.shard,
        reason: f.reason,
        attempts: 0,
      }));
  const solvedSoFar =
    current?.summary?.solved ?? sum(snaps.filter((s) => s.phase === 0).map((s) => s.solved));
  const status = state?.status ?? 'not-started';
  return {
    run,
    status,
    error: state?.error ?? null,
    round: current?.round ?? null,
    roundStatus: current?.status ?? null,
    phase: phase?.phase ?? null,
    rounds: state?.rounds.length ?? 0,
    shards,
    problems: { total: problemsTotal, done: problemsDone, solved: solvedSoFar },
    units: { total: unitsTotal, done: unitsDone },
    rates: {
      problemsPerSecond: unitRate / trees,
      unitsPerSecond: unitRate,
      elapsedSeconds: Math.round(elapsed),
    },
    etaSeconds:
      finishedRound || status === 'done'
        ? 0
        : status === 'failed' || !redis.reachable
          ? null
          : unitRate > 0
            ? Math.round((unitsTotal - unitsDone) / unitRate)
            : null,
    failures,
    rejects: {
      total: state?.ingest?.rejects ?? 0,
      byReason: state?.ingest?.rejectsByReason ?? {},
    },
    duplicates: state?.ingest?.duplicates ?? 0,
    history: state === null ? [] : history(state),
    workers,
    evaluations,
    roundEvaluations: state?.evaluations ?? [],
    roundTable,
    redis,
  };
}

function history(state: RunState): RunStatus['history'] {
  return state.rounds.map((r) => ({
    round: r.round,
    status: r.status,
    problems: r.summary?.problems ?? null,
    solved: r.summary?.solved ?? null,
    sftRows: r.summary?.sftRows ?? null,
    pairs: r.summary?.pairs ?? null,
    failedShards: r.failedShards.length,
  }));
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
