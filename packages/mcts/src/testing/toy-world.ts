import type { SearchPorts } from '../ports';
import { compileStepProtocol, renderPrompt, type StepProtocolConfig } from '../step-protocol';
import { booleanOption, intOption, numberOption, rejectUnknownKeys } from '../options/validate';
import { exactGrader } from './toy-grader';
import { createToyExecutor } from './toy-executor';
import { createToyPolicy, type ToyMistake } from './toy-policy';
import { createToyPpm } from './toy-ppm';
import { generateToyProblems, type ToyProblem } from './toy-problems';
import { createToyRng } from './toy-rng';
import { judgeToyPrefix, type ToyVerdict } from './toy-truth';

export interface ToyWorldOptions {
  /** Seeds problem generation and the doubles' noise. Default 0. */
  seed?: number;
  /** How many problems to generate, or the problems themselves. Default 8. */
  problems?: number | readonly ToyProblem[];
  /** Operations per generated problem. Defaults 1 and 4. */
  minSteps?: number;
  maxSteps?: number;
  /** Probability that the policy double's sampled step is correct. Default 0.7. */
  stepSkill?: number;
  /** Relative weights of the policy double's mistakes. Default 0.4 / 0.2 / 0.2 / 0.2. */
  mistakes?: Partial<Record<ToyMistake, number>>;
  /** Standard deviation of the PPM double's noise. Default 0.2. */
  ppmNoise?: number;
  /** Simulated latency of each port call (ms; uses timers). Default 0 = instant. */
  latencyMs?: number;
  /** Prompts longer than this make the policy double throw ContextOverflowError. */
  maxPromptChars?: number;
  /** Must match the engine's protocol options when those are changed. */
  protocol?: Partial<StepProtocolConfig>;
  /** Leave the reward port out (for terminal-rule searches that must not need one). */
  withoutReward?: boolean;
}

export interface ToyWorld {
  readonly problems: readonly ToyProblem[];
  /** Policy, executor, reward and grader doubles, ready for createMcts / createBeamSearch. */
  readonly ports: SearchPorts;
  /** Ground truth: is this prompt-plus-steps prefix of a problem still on a correct path? */
  judge(problemId: string, prefix: string): ToyVerdict;
}

const DEFAULT_MISTAKES: Record<ToyMistake, number> = {
  'wrong-constant': 0.4,
  raises: 0.2,
  'premature-answer': 0.2,
  truncated: 0.2,
};

const KEYS = [
  'seed',
  'problems',
  'minSteps',
  'maxSteps',
  'stepSkill',
  'mistakes',
  'ppmNoise',
  'latencyMs',
  'maxPromptChars',
  'protocol',
  'withoutReward',
];

/**
 * A tiny deterministic "toy arithmetic world" for tests, demos and benchmarks — test doubles,
 * NOT models: multi-step counting word problems with known solutions, a policy double writing
 * real protocol steps (correct with probability `stepSkill`, otherwise wrong constants, code that
 * raises, premature wrong answers or truncated steps), an executor double running the toy code
 * with a tiny safe interpreter (NOT Python), a PPM double that knows whether a prefix is on a
 * correct path (plus noise), and an exact grader double.
 */
export function createToyWorld(options: ToyWorldOptions = {}): ToyWorld {
  rejectUnknownKeys(options, KEYS, 'toyWorld');
  const seed = intOption(options.seed ?? 0, 'toyWorld.seed');
  const minSteps = intOption(options.minSteps ?? 1, 'toyWorld.minSteps', { min: 1, max: 12 });
  const maxSteps = intOption(options.maxSteps ?? 4, 'toyWorld.maxSteps', {
    min: minSteps,
    max: 12,
  });
  const stepSkill = numberOption(options.stepSkill ?? 0.7, 'toyWorld.stepSkill', {
    min: 0,
    max: 1,
  });
  const ppmNoise = numberOption(options.ppmNoise ?? 0.2, 'toyWorld.ppmNoise', { min: 0, max: 10 });
  const latencyMs = numberOption(options.latencyMs ?? 0, 'toyWorld.latencyMs', { min: 0 });
  const maxPromptChars = numberOption(
    options.maxPromptChars ?? Infinity,
    'toyWorld.maxPromptChars',
    {
      min: 0,
    },
  );
  const withoutReward = booleanOption(options.withoutReward ?? false, 'toyWorld.withoutReward');
  const mistakes = { ...DEFAULT_MISTAKES, ...options.mistakes };
  for (const [key, weight] of Object.entries(mistakes)) {
    numberOption(weight, `toyWorld.mistakes.${key}`, { min: 0 });
  }
  const protocol = compileStepProtocol(options.protocol ?? {}, 'toyWorld.protocol');

  const problems =
    typeof options.problems === 'object'
      ? [...options.problems]
      : generateToyProblems(
          createToyRng(seed),
          intOption(options.problems ?? 8, 'toyWorld.problems', { min: 0 }),
          minSteps,
          maxSteps,
        );
  const byId = new Map(problems.map((p) => [p.id, p]));
  const prompts = new Map(problems.map((p) => [p.id, renderPrompt(protocol, p.question)]));
  const promptOf = (p: ToyProblem): string => prompts.get(p.id) ?? '';
  // The reward port sees only text: find the problem from the question inside the prompt.
  const [before, after] = protocol.promptTemplate.split('{question}') as [string, string];
  const byQuestion = new Map(problems.map((p) => [p.question, p]));
  const findProblem = (prefix: string): { problem: ToyProblem; steps: string } | undefined => {
    if (!prefix.startsWith(before)) return undefined;
    const end = prefix.indexOf(after, before.length);
    const problem = end < 0 ? undefined : byQuestion.get(prefix.slice(before.length, end));
    return problem === undefined
      ? undefined
      : { problem, steps: prefix.slice(promptOf(problem).length) };
  };

  const ports: SearchPorts = {
    policy: createToyPolicy(byId, protocol, promptOf, {
      stepSkill,
      mistakes,
      maxPromptChars,
      latencyMs,
      seed,
    }),
    executor: createToyExecutor(latencyMs),
    grader: exactGrader,
  };
  if (!withoutReward) {
    ports.reward = createToyPpm(findProblem, protocol, { noise: ppmNoise, latencyMs, seed });
  }
  return {
    problems,
    ports,
    judge(problemId, prefix) {
      const problem = byId.get(problemId);
      if (problem === undefined) return { onPath: false, progress: 0 };
      return judgeToyPrefix(problem, prefix.slice(promptOf(problem).length), protocol);
    },
  };
}
