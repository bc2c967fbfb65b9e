import {
  chooseAnswer,
  majority,
  selectBestScored,
  type RunAnswer,
  type SelectedAnswer,
} from '@rstar-fleet/mcts';
import type { EvalRunRecord, TestTimeMode } from '@rstar-fleet/protocol';
import type { ModeRule } from './answer-rule';
import { bootstrapMean } from './bootstrap';
import type { CompiledEvalReportOptions } from './options';
import { costPerProblem } from './cost';
import { curveKs } from './curve';
import type { Judge } from './grading';
import type { ProblemRuns } from './group-records';
import type { CurvePoint, ModeReport, PassAtOne } from './report-schema';
import { mean, standardError } from './stats';

export interface ModeInput {
  readonly mode: TestTimeMode;
  readonly runs: number;
  /** Problems the benchmark evaluates (recorded or not). */
  readonly problems: number;
  readonly rule: ModeRule;
  /** Recorded problems in problemId order. */
  readonly recorded: readonly ProblemRuns[];
  /** Seed of this benchmark × mode's bootstrap stream. */
  readonly seed: number;
}

/** Runs with an answer, as answer selection takes them. */
function candidatesOf(runs: readonly EvalRunRecord[]): RunAnswer[] {
  return runs.flatMap((r) =>
    r.answer === null
      ? []
      : [{ run: r.run, answer: r.answer, score: r.score, nodeId: r.nodeId ?? '' }],
  );
}

/** Share of problems whose selected answer is correct; null when there is no problem. */
async function accuracyOf(
  problems: readonly ProblemRuns[],
  pick: (candidates: RunAnswer[]) => Promise<SelectedAnswer | null>,
  judge: Judge,
  k: number,
): Promise<number | null> {
  if (problems.length === 0) return null;
  let correct = 0;
  for (const p of problems) {
    const selected = await pick(candidatesOf(p.runs.slice(0, k)));
    if (await judge.correct(selected?.answer ?? null, p.reference)) correct++;
  }
  return correct / problems.length;
}

/** pass@1 and its standard error over seeds (run k's accuracy across problems, SE across k). */
async function passAtOne(
  recorded: readonly ProblemRuns[],
  runs: number,
  judge: Judge,
): Promise<PassAtOne | null> {
  if (recorded.length === 0) return null;
  const perProblem: number[] = [];
  const byRun: number[][] = Array.from({ length: runs }, () => []);
  for (const p of recorded) {
    const verdicts: number[] = [];
    for (const r of p.runs) {
      const v = (await judge.correct(r.answer, p.reference)) ? 1 : 0;
      verdicts.push(v);
      (byRun[r.run] as number[]).push(v);
    }
    perProblem.push(mean(verdicts));
  }
  const runAccuracies = byRun.filter((vs) => vs.length > 0).map(mean);
  return {
    value: mean(perProblem),
    se: runAccuracies.length >= 2 ? standardError(runAccuracies) : null,
  };
}

/** Every number of one benchmark × mode, from its recorded runs. */
export async function modeReport(
  input: ModeInput,
  judge: Judge,
  options: CompiledEvalReportOptions,
): Promise<ModeReport> {
  const { mode, runs, recorded, rule } = input;
  const all = recorded.flatMap((p) => p.runs);
  const chooseMine = (c: RunAnswer[]): Promise<SelectedAnswer | null> =>
    chooseAnswer(mode, c, rule.selection, judge.port);
  const scored = all.some((r) => r.answer !== null && r.score !== null);

  // The final answer of each problem, over all its recorded runs.
  const verdicts: number[] = [];
  for (const p of recorded) {
    const selected = await chooseMine(candidatesOf(p.runs));
    verdicts.push((await judge.correct(selected?.answer ?? null, p.reference)) ? 1 : 0);
  }
  const accuracy =
    verdicts.length === 0
      ? null
      : {
          value: mean(verdicts),
          ...bootstrapMean(verdicts, input.seed, options.resamples, options.confidence),
        };

  const curve: CurvePoint[] = [];
  for (const k of curveKs(runs)) {
    // Runs are sorted and distinct, so the first k are runs 0..k-1 exactly when run k-1 is k-th.
    const full = recorded.filter((p) => p.runs[k - 1]?.run === k - 1);
    curve.push({
      k,
      problems: full.length,
      maj: await accuracyOf(full, (c) => majority(c, 'plain', judge.port), judge, k),
      best: scored
        ? await accuracyOf(full, (c) => selectBestScored(c, judge.port), judge, k)
        : null,
      rule: await accuracyOf(full, chooseMine, judge, k),
    });
  }

  const expectedRuns = input.problems * runs;
  return {
    mode,
    runs,
    rule: rule.rule,
    expectedRuns,
    recordedRuns: all.length,
    complete: all.length === expectedRuns,
    problemsScored: recorded.length,
    accuracy,
    passAt1: await passAtOne(recorded, runs, judge),
    curve,
    cost: costPerProblem(all, runs),
  };
}
