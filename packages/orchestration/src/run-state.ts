import { z } from 'zod';
import { NotFoundError, TEST_TIME_MODES, parseVersionedJson } from '@rstar-fleet/protocol';
import { readIfExists, runDir, type ArtifactStore } from '@rstar-fleet/store';

/**
 * `runs/<run>/run.json`: what the orchestrator has done so far, so a restarted orchestrator
 * resumes where it stopped (DESIGN §8). Progress only: statuses, timestamps, hook outcomes,
 * failed shards, the revision; a round's settings (models, endpoints, budgets, shard layout) are
 * in its manifest, which the round refers to. Only the orchestrator writes it, always whole and
 * atomically (store.write). Versioned: a file of another version is refused rather than misread.
 *
 * Version 2: rounds refer to their manifest and no longer copy its models and phase layout.
 */
export const RUN_STATE_VERSION = 2;

export const ROUND_STATUSES = [
  'pending',
  'searching',
  'escalating',
  'extracting',
  'training',
  'deploying',
  // The plan's `evaluate:` scores the models the deploy hook just served (round-evaluator.ts).
  'evaluating',
  'done',
] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const RUN_STATUSES = ['ingesting', 'running', 'done', 'failed'] as const;
export type RunStatusName = (typeof RUN_STATUSES)[number];

const iso = z.string().min(1);
const count = z.number().int().min(0);

export const hookOutcomeSchema = z.strictObject({
  kind: z.enum(['command', 'kubernetes-job']),
  status: z.enum(['succeeded', 'failed', 'timeout']),
  startedAt: iso,
  finishedAt: iso,
  durationMs: count,
  /** The expanded argv (command hooks) or the Job name (Kubernetes). */
  target: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  /** The hook's last stdout line as JSON (every field kept, e.g. an audit); null on failure. */
  result: z.record(z.string(), z.unknown()).nullable(),
  stderrTail: z.string(),
  /** Why it failed, for people. */
  error: z.string().nullable(),
});
export type HookOutcome = z.infer<typeof hookOutcomeSchema>;

/** When a phase of the round started and finished (its layout and budget: the manifest's phases). */
export const phaseStateSchema = z.strictObject({
  phase: count,
  startedAt: iso,
  finishedAt: iso.nullable(),
});
export type PhaseState = z.infer<typeof phaseStateSchema>;

export const failedShardSchema = z.strictObject({
  shard: count,
  phase: count,
  reason: z.string(),
});
export type FailedShard = z.infer<typeof failedShardSchema>;

export const roundStateSchema = z.strictObject({
  round: z.number().int().min(1),
  status: z.enum(ROUND_STATUSES),
  /** Store key of the round's manifest (round.json), once written; null while pending. */
  manifest: z.string().min(1).nullable(),
  phases: z.array(phaseStateSchema),
  hooks: z.strictObject({
    train: hookOutcomeSchema.nullable(),
    deploy: hookOutcomeSchema.nullable(),
  }),
  /** Shards that failed for good when the round completed (requeue can finish them later). */
  failedShards: z.array(failedShardSchema),
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  /** Headline numbers of stats.json, for status without reading it. */
  summary: z
    .strictObject({ problems: count, solved: count, sftRows: count, pairs: count })
    .nullable(),
});
export type RoundState = z.infer<typeof roundStateSchema>;

const share = z.number().min(0).max(1);

/** What became of the plan's evaluation of one round's models (round 0: the starting models). */
export const ROUND_EVAL_STATUSES = ['evaluating', 'reported', 'skipped'] as const;
export type RoundEvalStatus = (typeof ROUND_EVAL_STATUSES)[number];

/**
 * The plan's evaluation of one round's models in run.json: progress and the report's headline
 * accuracies (with their bootstrap interval), for `status` without reading the report; the
 * report (`report`) stays the source of every number.
 */
export const roundEvalSchema = z.strictObject({
  round: count,
  evaluation: z.string().min(1),
  status: z.enum(ROUND_EVAL_STATUSES),
  /** Store key of the report (report.json) once written. */
  report: z.string().min(1).nullable(),
  /** Why the round was not evaluated (`skipped`). */
  note: z.string().nullable(),
  accuracy: z.array(
    z.strictObject({
      benchmark: z.string().min(1),
      mode: z.enum(TEST_TIME_MODES),
      /** null: the mode recorded nothing. */
      value: share.nullable(),
      low: share.nullable(),
      high: share.nullable(),
    }),
  ),
});
export type RoundEval = z.infer<typeof roundEvalSchema>;

export const ingestSummarySchema = z.strictObject({
  problems: count,
  shards: count,
  shardSize: z.number().int().min(1),
  rejects: count,
  rejectsByReason: z.record(z.string(), count),
  duplicates: count,
  startedAt: iso,
  finishedAt: iso,
});
export type IngestSummary = z.infer<typeof ingestSummarySchema>;

export const runStateSchema = z.strictObject({
  v: z.literal(RUN_STATE_VERSION),
  run: z.string().min(1),
  planName: z.string().min(1),
  /** sha256 (hex) of the plan text: a different plan under this run id is refused. */
  planHash: z.string().min(1),
  status: z.enum(RUN_STATUSES),
  /**
   * Advanced by one at every write of the orchestrator (state-holder.ts), which refuses to write
   * over a revision it has not seen. Absent in files written before revisions existed: read as 0.
   */
  revision: count.optional(),
  createdAt: iso,
  updatedAt: iso,
  finishedAt: iso.nullable(),
  /** Why the run failed (a hook, a round job out of attempts). */
  error: z.string().nullable(),
  ingest: ingestSummarySchema.nullable(),
  rounds: z.array(roundStateSchema),
  /**
   * The plan's `evaluate:` round by round (round 0 first with `baseline`), in round order.
   * Absent in files written before evaluations existed, and in runs without `evaluate:`.
   */
  evaluations: z.array(roundEvalSchema).optional(),
});
export type RunState = z.infer<typeof runStateSchema>;

export function runStateKey(run: string): string {
  return `${runDir(run)}/run.json`;
}

export function rejectsKey(run: string): string {
  return `${runDir(run)}/rejects.jsonl`;
}

/** Reads run.json; null when the run has none yet. */
export async function readRunState(store: ArtifactStore, run: string): Promise<RunState | null> {
  const key = runStateKey(run);
  const data = await readIfExists(store, key);
  if (data === null) return null;
  const text = data.toString('utf8');
  return parseVersionedJson(
    text,
    { source: key },
    { what: 'run state', schema: runStateSchema, version: RUN_STATE_VERSION },
  );
}

export async function requireRunState(store: ArtifactStore, run: string): Promise<RunState> {
  const state = await readRunState(store, run);
  if (state === null) throw runNotFoundError(run);
  return state;
}

/** A run the store knows nothing of (no run.json, and for status nothing else either). */
export function runNotFoundError(run: string): NotFoundError {
  return new NotFoundError(`run ${run} not found (no ${runStateKey(run)})`);
}

/** Writes run.json whole and atomically, stamping updatedAt. */
export async function writeRunState(store: ArtifactStore, state: RunState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await store.write(runStateKey(state.run), `${JSON.stringify(state, null, 2)}\n`);
}

export function roundState(state: RunState, round: number): RoundState {
  const r = state.rounds.find((x) => x.round === round);
  if (r === undefined) throw new NotFoundError(`run ${state.run} has no round ${round}`);
  return r;
}
