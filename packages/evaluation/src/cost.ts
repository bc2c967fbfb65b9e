import type { EvalRunRecord } from '@rstar-fleet/protocol';
import type { Cost } from './report-schema';
import { mean } from './stats';

/**
 * Mean cost of one problem under a mode: the mean over recorded runs times the runs per problem,
 * so a partial evaluation estimates the full cost instead of under-counting missing runs. Null
 * when nothing is recorded; GPU-seconds null when no record carries them (averaged over those
 * that do).
 */
export function costPerProblem(records: readonly EvalRunRecord[], runs: number): Cost | null {
  if (records.length === 0) return null;
  const perProblem = (pick: (r: EvalRunRecord) => number): number => mean(records.map(pick)) * runs;
  const gpu = records.flatMap((r) => (r.gpuSeconds === null ? [] : [r.gpuSeconds]));
  return {
    promptTokens: perProblem((r) => r.cost.promptTokens),
    completionTokens: perProblem((r) => r.cost.completionTokens),
    policyCalls: perProblem((r) => r.cost.policyCalls),
    ppmCalls: perProblem((r) => r.cost.ppmCalls),
    executions: perProblem((r) => r.cost.executions),
    wallSeconds: perProblem((r) => r.wallMs / 1000),
    gpuSeconds: gpu.length === 0 ? null : mean(gpu) * runs,
  };
}
