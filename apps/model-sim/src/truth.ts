import {
  parseRational,
  equalRational,
  rational,
  runMiniPython,
  variable,
  type SynthProblem,
} from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import { deviatingSteps } from './flaws';
import { stateOf } from './recover';

export interface Verdict {
  /** Every value computed, printed or boxed so far equals the canonical one, and nothing failed. */
  onPath: boolean;
  /**
   * On the path, and every code step computes its value the canonical way: no lucky flaw inside
   * (flaws.ts). What an audit counts as a truly sound prefix.
   */
  sound: boolean;
  /** Code steps not written as the canonical computation (flaws and code mistakes alike). */
  deviations: number;
  /** Share of the solution written: code steps + print + answer over (steps + 2). */
  progress: number;
}

/**
 * Ground truth for a solution prefix (the steps after the prompt). It re-runs the block's code
 * exactly and compares each step variable with the canonical value — so a wrong constant, a
 * wrong variable printed, a failed program or a wrong boxed answer puts the prefix off the path.
 * `sound` also asks that every code step be written as the canonical solution writes it. This is
 * what makes the simulator a measuring instrument.
 */
export function judgeSteps(problem: SynthProblem, steps: string, protocol: StepProtocol): Verdict {
  const k = problem.ops.length;
  const state = stateOf(steps, protocol);
  const written =
    Math.min(state.codeSteps - (state.closed ? 1 : 0), k) +
    (state.closed ? 1 : 0) +
    (state.boxed === null ? 0 : 1);
  const progress = written / (k + 2);
  const answer = rational(problem.values[k - 1] ?? problem.start);
  const run = runMiniPython(state.program);
  let onPath = run.status === 'ok';
  for (let i = 1; onPath && i <= k; i++) {
    const value = run.variables.get(variable(i));
    if (value !== undefined && !equalRational(value, rational(problem.values[i - 1] ?? 0))) {
      onPath = false;
    }
  }
  if (onPath && state.closed) onPath = sameValue(state.output, answer);
  if (onPath && state.boxed !== null) onPath = sameValue(state.boxed, answer);
  const deviations = deviatingSteps(problem, steps, protocol);
  return { onPath, sound: onPath && deviations === 0, deviations, progress };
}

function sameValue(text: string | null, answer: ReturnType<typeof rational>): boolean {
  const value = text === null ? null : parseRational(text);
  return value !== null && equalRational(value, answer);
}
