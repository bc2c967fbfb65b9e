import { ContextOverflowError, InvalidInputError } from '@rstar-fleet/protocol';
import type { ExpandRequest, PolicyPort, StepCandidate } from '../ports';
import type { StepProtocol } from '../step-protocol';
import type { ToyProblem } from './toy-problems';
import type { ToyRng } from './toy-rng';
import { keyedRng } from './toy-rng';
import { progressOf } from './toy-state';
import { answerStep, codeStep, printStep, raisingStep, truncate, variable } from './toy-steps';
import { delay } from './delay';

/** The mistakes the toy policy makes instead of a correct step. */
export type ToyMistake = 'wrong-constant' | 'raises' | 'premature-answer' | 'truncated';

export interface ToyPolicyOptions {
  /** Probability that a sampled step is correct. */
  stepSkill: number;
  /** Relative weights of the mistakes. */
  mistakes: Readonly<Record<ToyMistake, number>>;
  /** Prompts longer than this (characters) throw ContextOverflowError. */
  maxPromptChars: number;
  latencyMs: number;
  seed: number;
}

/**
 * A policy double (NOT a model): it reads where the prompt's solution stands and proposes the
 * next canonical step with probability `stepSkill`, otherwise a realistic mistake. Its randomness
 * comes from the request's seed and the problem id only, so it answers the same whatever order
 * requests arrive in.
 */
export function createToyPolicy(
  problems: ReadonlyMap<string, ToyProblem>,
  protocol: StepProtocol,
  promptOf: (problem: ToyProblem) => string,
  options: ToyPolicyOptions,
): PolicyPort {
  return {
    async expand(request: ExpandRequest): Promise<StepCandidate[]> {
      await delay(options.latencyMs, request.signal);
      const problem = problems.get(request.problemId);
      if (problem === undefined) {
        throw new InvalidInputError('unknown toy problem', { field: 'problemId' });
      }
      if (request.prompt.length > options.maxPromptChars) {
        throw new ContextOverflowError('toy policy context exceeded', {
          requested: request.prompt.length,
          limit: options.maxPromptChars,
        });
      }
      const rng = keyedRng(request.seed ^ options.seed, problem.id);
      const steps = request.prompt.slice(promptOf(problem).length);
      return Array.from({ length: request.n }, () => {
        const [text, stop, truncated] = sample(problem, steps, protocol, rng, options);
        const tokens = {
          prompt: Math.ceil(request.prompt.length / 4),
          completion: Math.ceil(text.length / 4),
        };
        return { text, stop, finishReason: truncated ? 'length' : 'stop', tokens };
      });
    },
  };
}

type Sampled = [text: string, stop: string | null, truncated: boolean];

function sample(
  problem: ToyProblem,
  steps: string,
  protocol: StepProtocol,
  rng: ToyRng,
  options: ToyPolicyOptions,
): Sampled {
  const progress = progressOf(steps, protocol);
  const k = problem.operations.length;
  const mistake = rng.float() < options.stepSkill ? null : pickMistake(rng, options.mistakes);
  const wrong = (right: number): number => wrongNumber(right, rng);

  if (progress.closed) {
    const printed = progress.output ?? '';
    const correct = answerStep(printed);
    if (mistake === null) return [correct, protocol.answerEnd, false];
    if (mistake === 'truncated') return [truncate(correct, rng), null, true];
    // A misread of the output, never the true answer: otherwise a wrong computation followed by
    // a wrong answer step would often land on the reference by coincidence (both are off by a
    // few), flooding terminal-guided SFT data with right-answer-wrong-steps trajectories far more
    // often than real models produce them.
    let boxed = wrong(Number(printed) || problem.answer);
    if (boxed === problem.answer) boxed = wrong(problem.answer);
    return [answerStep(String(boxed)), protocol.answerEnd, false];
  }

  const i = progress.codeSteps + 1;
  const atPrint = i > k;
  const correct = atPrint ? printStep(variable(k)) : codeStep(problem, i, rng);
  const stop = atPrint ? protocol.codeEnd : protocol.stepEnd;
  switch (mistake) {
    case null:
      return [correct, stop, false];
    case 'truncated':
      return [truncate(correct, rng), null, true];
    case 'premature-answer': {
      const soFar = i === 1 ? problem.start : (problem.values[i - 2] ?? problem.start);
      const value = soFar === problem.answer ? wrong(problem.answer) : soFar;
      return [answerStep(String(value)), protocol.answerEnd, false];
    }
    case 'raises':
      return [atPrint ? printStep('result') : raisingStep(problem, i), stop, false];
    case 'wrong-constant': {
      if (atPrint) return [printStep(`${variable(k)} + ${rng.int(1, 9)}`), stop, false];
      const operand = problem.operations[i - 1]?.operand ?? 1;
      return [codeStep(problem, i, rng, Math.max(1, wrong(operand))), stop, false];
    }
  }
}

function pickMistake(rng: ToyRng, weights: Readonly<Record<ToyMistake, number>>): ToyMistake {
  const entries = Object.entries(weights) as [ToyMistake, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.float() * total;
  for (const [mistake, w] of entries) {
    roll -= w;
    if (roll < 0) return mistake;
  }
  return entries[entries.length - 1]?.[0] ?? 'wrong-constant';
}

/** A nearby number different from `right` (off by 1–5 either way). */
function wrongNumber(right: number, rng: ToyRng): number {
  const delta = rng.int(1, 5) * (rng.float() < 0.5 ? -1 : 1);
  const value = right + delta;
  return value === right ? right + 1 : value;
}
