import {
  formatRational,
  parseQuestion,
  rational,
  runMiniPython,
  variable,
  type SynthProblem,
} from '@rstar-fleet/corpus';
import { codeOfStep, lastBoxed, type StepProtocol } from '@rstar-fleet/mcts';

/** Where a solution prefix stands, read from its tags. */
export interface SolutionState {
  /** Code steps written in the (single) code block, closed or not. */
  codeSteps: number;
  /** The print step closed the block. */
  closed: boolean;
  /** The interpreter output shown after the block, when closed. */
  output: string | null;
  /** Content of the last `\boxed{}`, when an answer step was written. */
  boxed: string | null;
  /** The block's code so far, tags removed: what a new step is appended to. */
  program: string;
}

export interface Recovered {
  problem: SynthProblem;
  /** The rendered prompt (template + question): the part before the solution steps. */
  head: string;
  /** The solution steps so far, exactly as in the prompt. */
  steps: string;
  state: SolutionState;
}

/**
 * Recovers the problem and the solution so far from a prompt, with nothing but the prompt: the
 * question between the template's two halves is parsed with the family's question grammar
 * (corpus/synth/question.ts), which reads back every problem the generator can write. Prompts
 * outside the family give null.
 */
export function recoverPrompt(prompt: string, protocol: StepProtocol): Recovered | null {
  const [before = '', after = ''] = protocol.promptTemplate.split('{question}');
  if (!prompt.startsWith(before)) return null;
  const end = after === '' ? prompt.length : prompt.indexOf(after, before.length);
  if (end < 0) return null;
  const problem = parsed(prompt.slice(before.length, end));
  if (problem === null) return null;
  const headLength = end + after.length;
  const steps = prompt.slice(headLength);
  return { problem, head: prompt.slice(0, headLength), steps, state: stateOf(steps, protocol) };
}

// Every expansion of a tree re-sends the same question: parsing it once per question keeps the
// simulator's cost per request flat. Bounded; cleared whole when full (problems come in waves).
const CACHE_LIMIT = 20_000;
const questions = new Map<string, SynthProblem | null>();

function parsed(question: string): SynthProblem | null {
  let problem = questions.get(question);
  if (problem === undefined) {
    if (questions.size >= CACHE_LIMIT) questions.clear();
    problem = parseQuestion(question);
    questions.set(question, problem);
  }
  return problem;
}

export function stateOf(steps: string, protocol: StepProtocol): SolutionState {
  const closeAt = steps.indexOf(protocol.codeEnd);
  const block = closeAt < 0 ? steps : steps.slice(0, closeAt);
  const codeSteps = block.split(protocol.stepEnd).length - 1 + (closeAt < 0 ? 0 : 1);
  const start = steps.lastIndexOf(protocol.outputStart);
  const stop = steps.lastIndexOf(protocol.outputEnd);
  const output =
    closeAt >= 0 && start >= 0 && stop > start
      ? steps.slice(start + protocol.outputStart.length, stop).trim()
      : null;
  return {
    codeSteps,
    closed: closeAt >= 0,
    output,
    boxed: lastBoxed(steps),
    program: steps.includes(protocol.codeStart) ? codeOfStep(steps, protocol) : '',
  };
}

/**
 * Splits solution text into its steps, each ending with its stop tag (a block-closing step
 * keeps its output block). Text after the last tag is returned as a final, unterminated step.
 */
export function splitSteps(text: string, protocol: StepProtocol): string[] {
  const steps: string[] = [];
  let rest = text;
  const tags = [protocol.stepEnd, protocol.codeEnd, protocol.answerEnd];
  while (rest !== '') {
    let at = -1;
    let tag = '';
    for (const t of tags) {
      const i = rest.indexOf(t);
      if (i >= 0 && (at < 0 || i < at)) [at, tag] = [i, t];
    }
    if (at < 0) {
      steps.push(rest);
      break;
    }
    let end = at + tag.length;
    if (tag === protocol.codeEnd) {
      const out = rest.slice(end).match(/^\s*/)?.[0].length ?? 0;
      if (rest.startsWith(protocol.outputStart, end + out)) {
        const close = rest.indexOf(protocol.outputEnd, end);
        if (close >= 0) end = close + protocol.outputEnd.length;
      }
    }
    steps.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return steps;
}

/** The value of the last variable computed so far (the start before any step). */
export function currentValue(found: Recovered): string {
  const run = runMiniPython(found.state.program);
  let value = rational(found.problem.start);
  for (let i = found.problem.ops.length; i >= 1; i--) {
    const v = run.variables.get(variable(i));
    if (v !== undefined) {
      value = v;
      break;
    }
  }
  return formatRational(value);
}
