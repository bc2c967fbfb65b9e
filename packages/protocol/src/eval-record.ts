import { z } from 'zod';
import { TEST_TIME_MODES } from './dialects';
import type { InputLocation } from './errors';
import { parseVersionedJson } from './versioned-json';

/**
 * The stored result of one evaluation run: one problem of one benchmark, answered once under one
 * test-time mode with one seed (DESIGN §10). An evaluation writes exactly one record per
 * (benchmark, mode, problem, seed), keyed by `evalRunKey`; its report (accuracy, error bars,
 * maj@k / best@k curves, cost) is computed from these records alone, so `rstar-fleet eval
 * --report` recounts every number without searching again.
 */
export const EVAL_RECORD_VERSION = 1;

const count = z.number().int().min(0);

/** What one run cost, from its search record's stats. */
export const EvalRunCostSchema = z.strictObject({
  /** Policy generate requests (expansions). */
  policyCalls: count,
  candidates: count,
  executions: count,
  ppmCalls: count,
  ppmScored: count,
  promptTokens: count,
  completionTokens: count,
});
export type EvalRunCost = z.infer<typeof EvalRunCostSchema>;

export const EvalRunRecordSchema = z.strictObject({
  v: z.literal(EVAL_RECORD_VERSION),
  /** Benchmark name (`math500`, `synth-heldout`, …) or the file's base name. */
  benchmark: z.string().min(1),
  mode: z.enum(TEST_TIME_MODES),
  problemId: z.string().min(1),
  /** The benchmark's answer; graded against with the grader's equivalence. */
  reference: z.string(),
  /** Run index within (benchmark, mode, problem), 0-based; runs use distinct seeds. */
  run: count,
  /** The run's search seed. */
  seed: z.number().int(),
  /** The run's answer (its highest-PPM answer node, or the sampled solution's); null if none. */
  answer: z.string().nullable(),
  /** The PPM score of `answer`; null when unscored (greedy, maj) or when there is no answer. */
  score: z.number().finite().nullable(),
  /** Path id of the answer node in the run's tree; null when there is no answer. */
  nodeId: z.string().nullable(),
  /** Whether `answer` is equivalent to `reference` (false when there is no answer). */
  correct: z.boolean(),
  cost: EvalRunCostSchema,
  /** Wall time of the run on the worker, ms. */
  wallMs: z.number().min(0),
  /** GPU-seconds the servers reported for the run's requests; null when they report none. */
  gpuSeconds: z.number().min(0).nullable(),
});
export type EvalRunRecord = z.infer<typeof EvalRunRecordSchema>;

/** Key of an evaluation run inside a results log: written once, skipped when found again. */
export function evalRunKey(
  record: Pick<EvalRunRecord, 'benchmark' | 'mode' | 'problemId' | 'seed'>,
): string {
  return `${record.benchmark}/${record.mode}/${record.problemId}@${record.seed}`;
}

/** Reads one line of an eval shard's results log (InvalidInputError naming `where` and the field). */
export function parseEvalRunRecordJson(text: string, where: InputLocation = {}): EvalRunRecord {
  return parseVersionedJson(text, where, {
    what: 'eval run record',
    schema: EvalRunRecordSchema,
    version: EVAL_RECORD_VERSION,
  });
}
