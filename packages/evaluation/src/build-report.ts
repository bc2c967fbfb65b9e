import type { GraderPort } from '@rstar-fleet/mcts';
import { hash32, type EvalManifest, type EvalRunRecord } from '@rstar-fleet/protocol';
import { modeRuleOf } from './answer-rule';
import { Judge } from './grading';
import { cellKey, groupRecords } from './group-records';
import { modeReport } from './mode-report';
import { compileEvalReportOptions, type EvalReportOptions } from './options';
import {
  EVAL_REPORT_VERSION,
  type BenchmarkReport,
  type EvalReport,
  type ModeReport,
} from './report-schema';

/**
 * The simulator's models say so in their names: apps/model-sim serves `sim-policy-<checkpoint>`
 * and `sim-ppm-<checkpoint>` (checkpoint.ts); `model-sim` anywhere in a name counts too.
 */
const SIMULATED = /^sim-(policy|ppm)-|model-sim/;

/**
 * The evaluation's report from its manifest and whatever run records exist (any order, possibly
 * partial). Answers are graded against the references by `grader`'s equivalence; the records'
 * own `correct` flags are not trusted, so a recount with another grader version shows it.
 */
export async function buildEvalReport(
  manifest: EvalManifest,
  records: readonly EvalRunRecord[],
  grader: GraderPort,
  opts: EvalReportOptions = {},
): Promise<EvalReport> {
  const options = compileEvalReportOptions(opts);
  const modes = manifest.modes.map((m, i) => ({ ...m, rule: modeRuleOf(m, `modes.${i}.options`) }));
  const groups = groupRecords(manifest, records);
  const judge = new Judge(grader);
  const benchmarks: BenchmarkReport[] = [];
  for (const b of manifest.benchmarks) {
    const reports: ModeReport[] = [];
    for (const m of modes) {
      const input = {
        mode: m.mode,
        runs: m.runs,
        problems: b.problems,
        rule: m.rule,
        recorded: groups.get(cellKey(b.name, m.mode)) ?? [],
        // Its own stream per benchmark × mode: adding a mode leaves the others' intervals.
        seed: hash32(`${manifest.seed}/${b.name}/${m.mode}`),
      };
      reports.push(await modeReport(input, judge, options));
    }
    benchmarks.push({
      name: b.name,
      source: b.source,
      problems: b.problems,
      skipped: b.skipped,
      modes: reports,
    });
  }
  const ppm = manifest.ppm?.model ?? null;
  return {
    v: EVAL_REPORT_VERSION,
    run: manifest.run,
    round: manifest.round,
    evaluation: manifest.name,
    models: { policy: manifest.policy.model, ppm },
    simulated: SIMULATED.test(manifest.policy.model) || (ppm !== null && SIMULATED.test(ppm)),
    interval: {
      method: 'percentile-bootstrap-over-problems',
      confidence: options.confidence,
      resamples: options.resamples,
      seed: manifest.seed,
    },
    complete: benchmarks.every((b) => b.modes.every((m) => m.complete)),
    benchmarks,
  };
}
