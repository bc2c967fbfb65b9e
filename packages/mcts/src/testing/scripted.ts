import { DEFAULT_STEP_PROTOCOL } from '../step-protocol';
import type { ExpandRequest, PolicyPort, RewardPort, StepCandidate } from '../ports';

/**
 * Scripted doubles for hand-built trees: the policy answers each node id from a script, so a
 * test decides the exact tree and can compute every Q by hand. Steps use the default tags.
 */
export const scriptedStep = {
  /** A code step inside the block (ends with `<end_of_step>`). */
  code: (text: string): StepCandidate => candidate(text, DEFAULT_STEP_PROTOCOL.stepEnd),
  /** The code step closing the block (ends with `<end_of_code>`; its output gets appended). */
  close: (text: string): StepCandidate => candidate(text, DEFAULT_STEP_PROTOCOL.codeEnd),
  /** An answer step boxing `value`. */
  answer: (value: string, lead = 'The answer is'): StepCandidate =>
    candidate(`${lead} \\boxed{${value}}`, DEFAULT_STEP_PROTOCOL.answerEnd),
  /** A step cut by the token limit. */
  truncated: (text: string): StepCandidate => ({ text, stop: null, finishReason: 'length' }),
};

function candidate(text: string, stop: string): StepCandidate {
  return { text, stop, finishReason: 'stop' };
}

export interface ScriptedPolicy extends PolicyPort {
  /** Every request received, in order. */
  readonly calls: ExpandRequest[];
}

/** Answers node `id` with `script[id]`; a node missing from the script is a test bug (throws). */
export function scriptedPolicy(
  script: Readonly<Record<string, readonly StepCandidate[]>>,
): ScriptedPolicy {
  const calls: ExpandRequest[] = [];
  return {
    calls,
    expand(request) {
      calls.push(request);
      const candidates = script[request.nodeId];
      if (candidates === undefined) {
        return Promise.reject(new Error(`scripted policy has no entry for node ${request.nodeId}`));
      }
      return Promise.resolve(candidates.map((c) => ({ ...c })));
    },
  };
}

export interface ScriptedReward extends RewardPort {
  /** Every batch of prefixes received, in order. */
  readonly calls: string[][];
}

/** Scores a prefix by the first rule whose `endsWith` matches it, else `fallback`. */
export function scriptedReward(
  rules: ReadonlyArray<readonly [endsWith: string, score: number]>,
  fallback = 0,
): ScriptedReward {
  const calls: string[][] = [];
  return {
    calls,
    score(prefixes) {
      calls.push([...prefixes]);
      return Promise.resolve(
        prefixes.map((p) => rules.find(([suffix]) => p.endsWith(suffix))?.[1] ?? fallback),
      );
    },
  };
}
