/**
 * @rstar-fleet/config — the run plan: one YAML file validated once at start (every problem
 * reported together as `file:line, field X: message`), compiled to a fully-defaulted RunPlan.
 */
export {
  compilePlan,
  expandHook,
  PAPER_ROUNDS,
  PLAN_DEFAULTS,
  planRound,
  type CompileContext,
  type HookPlan,
  type PolicyPlan,
  type PpmPlan,
  type RoundPlan,
  type RunPlan,
  type SamplingPlan,
  type SearchPlan,
  type StorePlan,
} from './compile-plan';
export {
  EVALUATE_DEFAULTS,
  compileEvaluate,
  type EvalBenchmarkPlan,
  type EvalModePlan,
  type EvaluatePlan,
} from './evaluate-plan';
export { PlanFilesError, checkPlanFiles } from './check-files';
export { loadPlan, parsePlan, parsePlanFile, type Locate, type ParsedPlanFile } from './load-plan';
export { PlanError, formatIssue, type PlanIssue } from './plan-error';
export { readRedisPassword, type Environment } from './redis-password';
export { RedisPasswordUnsetError } from './redis-password-unset-error';
export {
  HOOK_VARIABLES,
  HOOK_VARIABLE_PATTERN,
  evaluateSchema,
  hookResultSchema,
  planFileSchema,
  roundSchema,
  type EvaluateInput,
  type HookResult,
  type HookVariable,
  type PlanFile,
  type RoundInput,
} from './plan-schema';
