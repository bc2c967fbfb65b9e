import { OP_SPECS, type Op } from './ops';
import { answerOf, type SynthProblem } from './problem';
import { TAGS } from './tags';

/**
 * Step texts in the default protocol, WITHOUT their stop tags (what a server returns; the search
 * re-attaches the tag). The first code step opens the block and imports `Fraction`, so every
 * cumulative program runs under plain Python 3 with exact rational arithmetic.
 */
export const variable = (step: number): string => `v${step}`;

/** The value a step reads: the start for step 1, else the previous step's variable. */
export function previousOf(problem: SynthProblem, step: number): string {
  return step === 1 ? String(problem.start) : variable(step - 1);
}

/** Code step `step` (1-based) for `op`, with comment paraphrase `phrasing`. */
export function codeStepText(
  problem: SynthProblem,
  step: number,
  op: Op,
  phrasing: number,
  prev: string = previousOf(problem, step),
  target: string = variable(step),
): string {
  const spec = OP_SPECS[op.kind];
  const comment = (spec.comments[phrasing % spec.comments.length] ?? spec.comments[0])?.render(
    op.args,
    problem.subject,
  );
  const code = spec.code(prev, target, step, op.args);
  const head = step === 1 ? `\n${TAGS.codeStart}\nfrom fractions import Fraction\n` : '\n';
  return `${head}# Step ${step}: ${comment ?? ''}\n${code}\n`;
}

export function printStepText(expr: string): string {
  return `\n# Now print the final answer\nprint(${expr})\n`;
}

/** What the interpreter prints for the code block, wrapped as the search appends it. */
export function outputText(printed: string): string {
  return `\n${TAGS.outputStart}${printed}${TAGS.outputEnd}`;
}

/** `45/2` → `\frac{45}{2}`; integers unchanged. */
export function boxedValue(printed: string): string {
  const m = /^(-?)(\d+)\/(\d+)$/.exec(printed);
  return m === null ? printed : `${m[1]}\\frac{${m[2]}}{${m[3]}}`;
}

export function answerStepText(printed: string): string {
  return `\n${TAGS.answerStart}\nThe answer is \\boxed{${boxedValue(printed)}}\n`;
}

/** The full canonical solution, tags attached, as the search would store it after the prompt. */
export function canonicalSolution(problem: SynthProblem): string {
  const k = problem.ops.length;
  let out = '';
  problem.ops.forEach((op, i) => {
    out += codeStepText(problem, i + 1, op, 0) + TAGS.stepEnd;
  });
  const answer = String(answerOf(problem));
  out += printStepText(variable(k)) + TAGS.codeEnd + outputText(answer);
  out += answerStepText(answer) + TAGS.answerEnd;
  return out;
}
