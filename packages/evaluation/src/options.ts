import { InvalidInputError } from '@rstar-fleet/protocol';

/** How the report's uncertainty is computed (everything else follows from the records). */
export interface EvalReportOptions {
  /** Bootstrap resamples over problems. Default 1000. */
  resamples?: number;
  /** Coverage of the accuracy interval, in (0, 1). Default 0.95. */
  confidence?: number;
}

export interface CompiledEvalReportOptions {
  readonly resamples: number;
  readonly confidence: number;
}

export const EVAL_REPORT_DEFAULTS: CompiledEvalReportOptions = Object.freeze({
  resamples: 1000,
  confidence: 0.95,
});

/** Validates and defaults the options once; errors name the field. */
export function compileEvalReportOptions(
  options: EvalReportOptions = {},
): CompiledEvalReportOptions {
  const resamples = options.resamples ?? EVAL_REPORT_DEFAULTS.resamples;
  const confidence = options.confidence ?? EVAL_REPORT_DEFAULTS.confidence;
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 1_000_000) {
    throw new InvalidInputError(`expected an integer in [1, 1000000], got ${resamples}`, {
      field: 'resamples',
    });
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidInputError(`expected a number in (0, 1), got ${confidence}`, {
      field: 'confidence',
    });
  }
  return Object.freeze({ resamples, confidence });
}
