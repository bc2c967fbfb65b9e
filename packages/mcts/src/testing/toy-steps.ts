import type { ToyOperation, ToyProblem } from './toy-problems';
import type { ToyRng } from './toy-rng';

/**
 * How the toy policy writes steps: rStar's code-augmented format (NL reasoning as `#` comments),
 * with a few paraphrases per operation so sibling steps differ in text, as sampled ones do.
 */

const PARAPHRASES: Record<ToyOperation['op'], ReadonlyArray<(x: number) => string>> = {
  '+': [
    (x) => `add the ${x} new ones to the count`,
    (x) => `${x} more arrive, so we add ${x}`,
    (x) => `increase the running total by ${x}`,
  ],
  '-': [
    (x) => `subtract the ${x} that were given away`,
    (x) => `${x} leave, so we take away ${x}`,
    (x) => `decrease the running total by ${x}`,
  ],
  '*': [
    (x) => `the count becomes ${x} times as large`,
    (x) => `multiply the running total by ${x}`,
    (x) => `scale the count by a factor of ${x}`,
  ],
};

/** Variable holding the count after step `i` (1-based); `x0` is never defined. */
export const variable = (i: number): string => `x${i}`;

/** The code step for operation `i` (1-based), optionally with a different operand. */
export function codeStep(problem: ToyProblem, i: number, rng: ToyRng, operand?: number): string {
  const operation = problem.operations[i - 1] as ToyOperation;
  const x = operand ?? operation.operand;
  const comment = rng.pick(PARAPHRASES[operation.op])(x);
  const input = i === 1 ? String(problem.start) : variable(i - 1);
  const open = i === 1 ? '<code>\n' : '\n';
  return `${open}# Step ${i}: ${comment}\n${variable(i)} = ${input} ${operation.op} ${x}\n`;
}

/** A code step whose program raises (a name used before it exists). */
export function raisingStep(problem: ToyProblem, i: number): string {
  const operation = problem.operations[i - 1] as ToyOperation;
  const open = i === 1 ? '<code>\n' : '\n';
  return `${open}# Step ${i}: update the total\n${variable(i)} = total ${operation.op} ${operation.operand}\n`;
}

/** The step that closes the code block by printing `expr` (problems have ≥ 1 code step). */
export function printStep(expr: string): string {
  return `\n# Now print the final answer\nprint(${expr})\n`;
}

export function answerStep(value: string): string {
  return `\n<answer>\nThe answer is: \\boxed{${value}}\n`;
}

/** A step cut by the token limit: the first part of a real step. */
export function truncate(step: string, rng: ToyRng): string {
  return step.slice(0, Math.max(1, rng.int(1, Math.floor(step.length * 0.8))));
}
