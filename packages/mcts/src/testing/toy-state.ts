import type { StepProtocol } from '../step-protocol';

/** Where a toy solution prefix stands, read from its tags. */
export interface ToyProgress {
  /** Code steps written so far (each ends with the step tag). */
  codeSteps: number;
  /** The code block has been closed (the print step ran). */
  closed: boolean;
  /** The printed output, when the block is closed. */
  output: string | null;
}

/** Reads the progress of the solution steps that follow the rendered prompt. */
export function progressOf(steps: string, protocol: StepProtocol): ToyProgress {
  const codeSteps = steps.split(protocol.stepEnd).length - 1;
  const closed = steps.includes(protocol.codeEnd);
  const start = steps.lastIndexOf(protocol.outputStart);
  const end = steps.lastIndexOf(protocol.outputEnd);
  const output =
    start >= 0 && end > start ? steps.slice(start + protocol.outputStart.length, end).trim() : null;
  return { codeSteps, closed, output };
}
