import { z } from 'zod';
import { TEST_TIME_MODES } from './dialects';
import type { InputLocation } from './errors';
import { RUN_ID_PATTERN, runIdSchema } from './fleet-jobs';
import { RoundPolicySchema, RoundPpmSchema, RoundSamplingSchema } from './round-manifest';
import { parseVersionedJson } from './versioned-json';

/**
 * The resolved form of one evaluation, and the only one (like round.json for a round): which
 * models answer which benchmarks under which test-time modes, with every default applied. Built
 * by one function in the orchestration package and written to
 * `runs/<run>/round-<r>/eval/<name>/eval.json` before any eval shard is enqueued; workers read it
 * by key and nothing else for an evaluation's settings.
 *
 * `round` names whose models are evaluated: r ≥ 1 = the models round r's hooks deployed; 0 = the
 * plan's round-1 models (the starting point, before any training).
 */
export const EVAL_MANIFEST_VERSION = 1;

const positive = z.number().int().min(1);
const count = z.number().int().min(0);

/** Evaluation names are store path segments and job id parts: like run ids, no `.` or `:`. */
export const EVAL_NAME_PATTERN = RUN_ID_PATTERN;
export const evalNameSchema = z
  .string()
  .regex(EVAL_NAME_PATTERN, { error: 'expected lowercase letters, digits and dashes (≤ 80)' });

export const EvalModeSchema = z.strictObject({
  mode: z.enum(TEST_TIME_MODES),
  /** Runs per problem (distinct seeds: the manifest's seed + run). */
  runs: positive,
  /**
   * The mode's compiled test-time options (CompiledTestTimeOptions of @rstar-fleet/mcts, as
   * JSON), complete: the worker reads them back through compileTestTimeOptions, which validates
   * them and adds nothing.
   */
  options: z.record(z.string(), z.unknown()),
});
export type EvalMode = z.infer<typeof EvalModeSchema>;

export const EvalBenchmarkSchema = z.strictObject({
  /** Benchmark name (`math500`, `synth-heldout`) or the file's base name. */
  name: z.string().min(1),
  /** Where its problems were read from (file path, or the built-in family's description). */
  source: z.string().min(1),
  /** Problems evaluated (after sampling). */
  problems: count,
  /** Rows that could not be read and were left out (file:line each in the report). */
  skipped: count,
  /** Shard indices [firstShard, firstShard + shards) of the evaluation. */
  firstShard: count,
  shards: count,
});
export type EvalBenchmark = z.infer<typeof EvalBenchmarkSchema>;

export const EvalManifestSchema = z.strictObject({
  v: z.literal(EVAL_MANIFEST_VERSION),
  run: runIdSchema,
  round: count,
  name: evalNameSchema,
  policy: RoundPolicySchema,
  /** Null when no mode scores with a PPM. */
  ppm: RoundPpmSchema.nullable(),
  sandbox: z.strictObject({ addresses: z.array(z.string().min(1)).min(1) }),
  sampling: RoundSamplingSchema,
  /** Base seed: run k of every mode uses seed + k. */
  seed: count,
  modes: z.array(EvalModeSchema).min(1),
  benchmarks: z.array(EvalBenchmarkSchema).min(1),
  shards: z.strictObject({
    /** Problems per eval shard. */
    size: positive,
    /** Share of the evaluation's shards (0–1) that may fail for good while it still reports. */
    maxFailedShare: z.number().min(0).max(1),
  }),
});
export type EvalManifest = z.infer<typeof EvalManifestSchema>;

/** Reads an eval manifest's text (another version: VersionMismatchError; else the field named). */
export function parseEvalManifest(text: string, where: InputLocation): EvalManifest {
  return parseVersionedJson(text, where, {
    what: 'eval manifest',
    schema: EvalManifestSchema,
    version: EVAL_MANIFEST_VERSION,
  });
}

/** Payload of an `eval-shard` job (queue `shards`): answer every problem of one eval shard. */
export const EvalShardJobDataSchema = z.strictObject({
  run: runIdSchema,
  /** Whose models (see EvalManifest.round). */
  round: count,
  evaluation: evalNameSchema,
  shard: count,
  /** Store key of the shard's problems (JSONL of ProblemRecord, with their reference answers). */
  input: z.string().min(1),
  /** Store key of the shard's results log (one EvalRunRecord per evalRunKey). */
  results: z.string().min(1),
  /** Store key of the eval manifest. */
  manifest: z.string().min(1),
});
export type EvalShardJobData = z.infer<typeof EvalShardJobDataSchema>;

/** Payload of an `eval` job (queue `rounds`, parent of the evaluation's eval-shard jobs). */
export const EvalJobDataSchema = z.strictObject({
  run: runIdSchema,
  round: count,
  evaluation: evalNameSchema,
  manifest: z.string().min(1),
});
export type EvalJobData = z.infer<typeof EvalJobDataSchema>;

/** What an eval-shard job returns (kept small: stored in the parent's Redis hash). */
export const EvalShardJobResultSchema = z.strictObject({
  /** Eval runs written by this attempt. */
  written: count,
  /** Eval runs found already written (a re-run after a crash, retry or requeue). */
  skipped: count,
  /** Runs whose answer was correct, among written + skipped. */
  correct: count,
  problems: count,
});
export type EvalShardJobResult = z.infer<typeof EvalShardJobResultSchema>;
