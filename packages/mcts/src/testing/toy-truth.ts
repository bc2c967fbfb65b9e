import { lastBoxed, codeOfStep, type StepProtocol } from '../step-protocol';
import { interpretToyProgram } from './toy-interpreter';
import type { ToyProblem } from './toy-problems';
import { progressOf } from './toy-state';
import { variable } from './toy-steps';

export interface ToyVerdict {
  /** Every value computed, printed or boxed so far matches the canonical solution. */
  onPath: boolean;
  /** Share of the solution written: code steps + print + answer over k + 2. */
  progress: number;
}

/**
 * The toy world's ground truth for a solution prefix (the steps after the prompt): it re-runs the
 * code and compares every intermediate value with the canonical one. This is what makes the toy
 * world a measuring instrument: it knows which steps are right.
 */
export function judgeToyPrefix(
  problem: ToyProblem,
  steps: string,
  protocol: StepProtocol,
): ToyVerdict {
  const k = problem.operations.length;
  const progress = progressOf(steps, protocol);
  const boxed = lastBoxed(steps);
  const done =
    Math.min(progress.codeSteps, k) + (progress.closed ? 1 : 0) + (boxed === null ? 0 : 1);
  const share = done / (k + 2);
  const run = interpretToyProgram(codeOfStep(steps, protocol));
  let onPath = run.status === 'ok';
  for (let i = 1; onPath && i <= k; i++) {
    const value = run.variables.get(variable(i));
    if (value !== undefined && value !== problem.values[i - 1]) onPath = false;
  }
  if (progress.output !== null && Number(progress.output) !== problem.answer) onPath = false;
  if (boxed !== null && Number(boxed) !== problem.answer) onPath = false;
  return { onPath, progress: share };
}
