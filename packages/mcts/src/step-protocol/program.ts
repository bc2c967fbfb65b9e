import type { StepProtocol } from './config';

/**
 * The code of one step: the text before `codeEnd` (a closing step's output follows it), after the
 * last `codeStart` (natural language may precede the block), with `stepEnd` tags removed. A step
 * with no `codeStart` is all code, as in rStar's `extract_program`.
 */
export function codeOfStep(stepText: string, protocol: StepProtocol): string {
  let code = stepText;
  const end = code.indexOf(protocol.codeEnd);
  if (end >= 0) code = code.slice(0, end);
  const start = code.lastIndexOf(protocol.codeStart);
  if (start >= 0) code = code.slice(start + protocol.codeStart.length);
  return code.split(protocol.stepEnd).join('');
}

/**
 * The program executed for a step: the code of the steps of the current code block, oldest
 * first, re-run from scratch (not a live interpreter). `blockSteps` are the step texts from the
 * first step after the last closed block (or the root) down to the new step. Pieces are joined
 * with a newline so a step that does not end in one cannot merge with the next line.
 */
export function cumulativeProgram(blockSteps: readonly string[], protocol: StepProtocol): string {
  return blockSteps
    .map((text) => codeOfStep(text, protocol))
    .map((code) => (code.endsWith('\n') ? code : `${code}\n`))
    .join('');
}
