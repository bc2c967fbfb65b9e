import {
  codeStepText,
  OP_SPECS,
  previousOf,
  rational,
  runMiniPython,
  variable,
  type Op,
  type Rational,
  type SynthProblem,
  type SynthRng,
} from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import type { Recovered } from './recover';
import { MIN_VALUE_ERROR, wrongConstant } from './wrong-constant';

/**
 * Flawed steps: code written the wrong way, as real models write it —
 * - `guess`: the value typed in, not computed (`v3 = 412`);
 * - `compensating`: a wrong constant, then a correction that cancels it;
 * - `stray`: a wrong intermediate line that nothing uses, then the right computation.
 * A lucky flaw's value is the canonical one, so the trajectory can still reach the right answer
 * with an unsound step inside: what terminal rewards cannot see and step-level Q-values and a
 * PPM can learn to. An unlucky flaw (guess or compensating only) has a wrong value.
 */
export const FLAW_FORMS = ['guess', 'compensating', 'stray'] as const;
export type FlawForm = (typeof FLAW_FORMS)[number];

/** Code step `step` as the canonical solution writes it (comment `phrasing`), its code flawed. */
export function flawedStepText(
  found: Recovered,
  step: number,
  op: Op,
  phrasing: number,
  lucky: boolean,
  rng: SynthRng,
): string {
  const canonical = OP_SPECS[op.kind].code(
    previousOf(found.problem, step),
    variable(step),
    step,
    op.args,
  );
  return codeStepText(found.problem, step, op, phrasing).replace(
    canonical,
    flawedCode(found, step, op, lucky, rng),
  );
}

/** The code lines of step `step` written with a flaw (the comment line is the caller's). */
export function flawedCode(
  found: Recovered,
  step: number,
  op: Op,
  lucky: boolean,
  rng: SynthRng,
): string {
  const { problem } = found;
  const prev = previousOf(problem, step);
  const target = variable(step);
  const right = problem.values[step - 1] ?? 0;
  const value = lucky ? right : offBy(right, rng);
  const form: FlawForm = lucky
    ? rng.pick(FLAW_FORMS)
    : rng.pick(['guess', 'compensating'] as const);
  if (form === 'guess') return `${target} = ${value}`;
  const wrong = wrongConstant(op, found, rng);
  const wrongLine = OP_SPECS[op.kind].code(prev, target, step, wrong.args);
  if (form === 'stray') {
    const canonical = OP_SPECS[op.kind].code(prev, target, step, op.args);
    return `${wrongLine.replaceAll(target, `t${step}`)}\n${canonical}`;
  }
  // Compensating: the wrong line's exact value, then the correction that lands on `value`.
  const run = runMiniPython(`from fractions import Fraction\n${found.state.program}\n${wrongLine}`);
  const got = run.variables.get(target);
  if (got === undefined) return `${target} = ${value}`;
  const delta = rational(value * got.d - got.n, got.d);
  if (delta.n === 0) return wrongLine;
  return delta.n > 0
    ? `${wrongLine}\n${target} = ${target} + ${literal(delta)}`
    : `${wrongLine}\n${target} = ${target} - ${literal({ n: -delta.n, d: delta.d })}`;
}

/** A wrong value far enough from the right one that no later step maps it back. */
function offBy(right: number, rng: SynthRng): number {
  const off = rng.int(MIN_VALUE_ERROR, 3 * MIN_VALUE_ERROR);
  return right - off > 0 && rng.float() < 0.5 ? right - off : right + off;
}

const literal = (r: Rational): string => (r.d === 1 ? String(r.n) : `Fraction(${r.n}, ${r.d})`);

/**
 * The code steps written so far that are not the canonical computation of their operation
 * (comments, blank lines, the tags and the import aside): flaws, lucky or not, and every other
 * mistake in a code step. The print step and the answer are judged by value alone.
 */
export function deviatingSteps(
  problem: SynthProblem,
  steps: string,
  protocol: StepProtocol,
): number {
  const closeAt = steps.indexOf(protocol.codeEnd);
  const block = closeAt < 0 ? steps : steps.slice(0, closeAt);
  // The last part is the print step (block closed) or the unfinished rest: not a code step.
  const parts = block.split(protocol.stepEnd).slice(0, -1);
  let count = 0;
  parts.forEach((text, i) => {
    const op = problem.ops[i];
    if (op === undefined || !sameLines(codeLines(text), canonicalLines(problem, i + 1, op))) {
      count += 1;
    }
  });
  return count;
}

function canonicalLines(problem: SynthProblem, step: number, op: Op): string[] {
  return OP_SPECS[op.kind]
    .code(previousOf(problem, step), variable(step), step, op.args)
    .split('\n');
}

function codeLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        line !== '' && !line.startsWith('#') && !line.startsWith('<') && !line.startsWith('from '),
    );
}

const sameLines = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((line, i) => line === b[i]?.trim());
