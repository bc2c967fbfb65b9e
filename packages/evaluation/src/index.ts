/**
 * @rstar-fleet/evaluation — the evaluation report (DESIGN §10) from eval run records: accuracy with
 * a bootstrap interval, pass@1 with its standard error over seeds, maj@k / best@k / rule@k scaling
 * curves, cost per problem; its Markdown and SVG renderings; the round-by-round table. Pure: no
 * I/O, no clocks, randomness only from the manifest's seed.
 */
export { buildEvalReport } from './build-report';
export {
  compileEvalReportOptions,
  EVAL_REPORT_DEFAULTS,
  type CompiledEvalReportOptions,
  type EvalReportOptions,
} from './options';
export {
  AccuracySchema,
  AnswerRuleSchema,
  BenchmarkReportSchema,
  CostSchema,
  CurvePointSchema,
  EVAL_REPORT_VERSION,
  EvalReportSchema,
  ModeReportSchema,
  parseEvalReport,
  PassAtOneSchema,
  type Accuracy,
  type AnswerRule,
  type BenchmarkReport,
  type Cost,
  type CurvePoint,
  type EvalReport,
  type ModeReport,
  type PassAtOne,
} from './report-schema';
export { renderEvalMarkdown } from './render-markdown';
export { renderEvalSvg } from './render-svg';
export {
  ROUND_TABLE_VERSION,
  roundTable,
  RoundTableCellSchema,
  RoundTableSchema,
  type RoundTable,
  type RoundTableCell,
  type RoundTableColumn,
  type RoundTableEntry,
} from './round-table';
export { renderRoundTableMarkdown, renderRoundTableSvg } from './render-round-table';
export { DuplicateEvalRunError } from './duplicate-eval-run-error';
export { DuplicateRoundError } from './duplicate-round-error';
export { EvalRecordMismatchError } from './eval-record-mismatch-error';
