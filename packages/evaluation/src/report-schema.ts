import { parseVersionedJson, TEST_TIME_MODES, type InputLocation } from '@rstar-fleet/protocol';
import { z } from 'zod';

/**
 * The evaluation report (DESIGN §10): what `rstar-fleet eval` writes as report.json beside the
 * round, computed by buildEvalReport from the manifest and the run records alone. Versioned so a
 * stored report can be read back and compared with a recount.
 */
export const EVAL_REPORT_VERSION = 1;

const count = z.number().int().min(0);
const share = z.number().min(0).max(1);

/** Accuracy of the mode's final answer over problems, with its bootstrap interval. */
export const AccuracySchema = z.strictObject({
  value: share,
  /** Standard deviation of the bootstrap distribution of the accuracy. */
  se: z.number().min(0),
  /** Percentile bootstrap interval at the report's confidence. */
  low: share,
  high: share,
});
export type Accuracy = z.infer<typeof AccuracySchema>;

export const PassAtOneSchema = z.strictObject({
  /** Mean per-run correctness (each problem's share of correct runs, averaged over problems). */
  value: share,
  /** Standard error over seeds: sd of run k's accuracy across k, / √runs; null below 2 runs. */
  se: z.number().min(0).nullable(),
});
export type PassAtOne = z.infer<typeof PassAtOneSchema>;

/** How the mode picks a problem's final answer from its runs' answers (chooseAnswer). */
export const AnswerRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('two-stage'),
    topK: z.number().int().min(1),
    vote: z.enum(['plain', 'weighted']),
  }),
  z.strictObject({ kind: z.literal('best-scored') }),
  z.strictObject({ kind: z.literal('majority') }),
]);
export type AnswerRule = z.infer<typeof AnswerRuleSchema>;

/** One point of the test-time scaling curve: accuracies over the first k runs (runs 0..k-1). */
export const CurvePointSchema = z.strictObject({
  k: z.number().int().min(1),
  /** Problems with all of runs 0..k-1 recorded: the points' denominator. */
  problems: count,
  /** Plain majority of the first k answers; null when no problem counts. */
  maj: share.nullable(),
  /** Highest-PPM answer of the first k; null when the mode's answers carry no score. */
  best: share.nullable(),
  /** The mode's own answer rule over the first k. */
  rule: share.nullable(),
});
export type CurvePoint = z.infer<typeof CurvePointSchema>;

/** Mean cost of answering one problem under the mode (all its runs). */
export const CostSchema = z.strictObject({
  promptTokens: z.number().min(0),
  completionTokens: z.number().min(0),
  policyCalls: z.number().min(0),
  ppmCalls: z.number().min(0),
  executions: z.number().min(0),
  wallSeconds: z.number().min(0),
  /** Null when no record carries GPU-seconds. */
  gpuSeconds: z.number().min(0).nullable(),
});
export type Cost = z.infer<typeof CostSchema>;

export const ModeReportSchema = z.strictObject({
  mode: z.enum(TEST_TIME_MODES),
  /** Runs per problem the manifest asks for. */
  runs: z.number().int().min(1),
  rule: AnswerRuleSchema,
  /** problems × runs. */
  expectedRuns: count,
  recordedRuns: count,
  /** Every expected run is recorded. */
  complete: z.boolean(),
  /** Problems with at least one recorded run: the denominator of accuracy and pass@1. */
  problemsScored: count,
  /** Null when no run is recorded. */
  accuracy: AccuracySchema.nullable(),
  passAt1: PassAtOneSchema.nullable(),
  /** k = 1, 2, 4, … below runs, then runs. */
  curve: z.array(CurvePointSchema),
  cost: CostSchema.nullable(),
});
export type ModeReport = z.infer<typeof ModeReportSchema>;

export const BenchmarkReportSchema = z.strictObject({
  name: z.string().min(1),
  source: z.string().min(1),
  /** Problems evaluated (the manifest's count). */
  problems: count,
  /** Benchmark rows that could not be read (the manifest's count). */
  skipped: count,
  modes: z.array(ModeReportSchema),
});
export type BenchmarkReport = z.infer<typeof BenchmarkReportSchema>;

export const EvalReportSchema = z.strictObject({
  v: z.literal(EVAL_REPORT_VERSION),
  run: z.string().min(1),
  /** Whose models: r ≥ 1 = round r's, 0 = the starting models (EvalManifest.round). */
  round: count,
  evaluation: z.string().min(1),
  models: z.strictObject({ policy: z.string().min(1), ppm: z.string().min(1).nullable() }),
  /** The models are the simulator's (a model name contains `model-sim`): not a model's results. */
  simulated: z.boolean(),
  interval: z.strictObject({
    method: z.literal('percentile-bootstrap-over-problems'),
    confidence: z.number().gt(0).lt(1),
    resamples: z.number().int().min(1),
    /** The manifest's seed; each benchmark × mode draws from its own stream of it. */
    seed: count,
  }),
  /** Every benchmark × mode is complete. */
  complete: z.boolean(),
  benchmarks: z.array(BenchmarkReportSchema),
});
export type EvalReport = z.infer<typeof EvalReportSchema>;

/** Reads a stored report's text (another version: VersionMismatchError; else the field named). */
export function parseEvalReport(text: string, where: InputLocation): EvalReport {
  return parseVersionedJson(text, where, {
    what: 'eval report',
    schema: EvalReportSchema,
    version: EVAL_REPORT_VERSION,
  });
}
