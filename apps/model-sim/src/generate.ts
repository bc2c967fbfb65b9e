import { hashKey, keyedRng } from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import type { Checkpoint, Mistake } from './checkpoint';
import { deviatingSteps } from './flaws';
import { proposeStep, type SharedStepInput } from './policy';
import { recoverPrompt } from './recover';
import { CHARS_PER_TOKEN, countTokens } from './tokens';

export interface GenerateRequest {
  prompt: string;
  n: number;
  maxTokens: number;
  temperature: number;
  /** Null: a fresh seed per request (not reproducible), as vLLM without `seed`. */
  seed: number | null;
  stop: readonly string[];
  includeStopInOutput: boolean;
}

export interface GeneratedChoice {
  text: string;
  finishReason: 'stop' | 'length';
  /** The stop string matched, or null (EOS or cut). */
  stopReason: string | null;
  completionTokens: number;
  mistake: Mistake | null;
}

let unseeded = 0;

/** Key of the greedy draws (any constant: it only has to differ from checkpoint seeds' use). */
const GREEDY_KEY = 0x67726479;

/**
 * vLLM's completion semantics over the simulated policy, one prompt: the model writes a step
 * followed by its tag and then EOS; the earliest request stop string in that text ends the
 * choice (excluded from `text` unless include_stop_str_in_output; `stop_reason` = the string);
 * no stop string → EOS (`stop_reason` null); more than max_tokens tokens → cut, `length`.
 * Choice i is seeded by (checkpoint seed, request seed, prompt, i), so a request repeats
 * exactly and siblings of one request differ.
 */
export function generate(
  request: GenerateRequest,
  checkpoint: Checkpoint,
  protocol: StepProtocol,
): GeneratedChoice[] {
  const found = recoverPrompt(request.prompt, protocol);
  const seed = request.seed ?? 0x9e3779b9 + unseeded++;
  const promptKey = hashKey(request.prompt);
  const maxChars = request.maxTokens * CHARS_PER_TOKEN;
  // Keyed by the prompt only: the same step is hard or easy for every checkpoint (policy.ts).
  const greedyDraw = request.temperature === 0 ? keyedRng(GREEDY_KEY, promptKey).float() : null;
  const shared: SharedStepInput | null =
    found === null
      ? null
      : {
          found,
          flaws: deviatingSteps(found.problem, found.steps, protocol),
          greedyDraw,
          maxChars,
        };
  return Array.from({ length: request.n }, (_, i) => {
    const rng = keyedRng(checkpoint.seed, seed, promptKey, i);
    const proposed =
      shared === null
        ? { body: UNKNOWN_PROBLEM, tag: protocol.answerEnd, mistake: null }
        : proposeStep(shared, checkpoint, protocol, rng);
    return finish(proposed.body + proposed.tag, proposed.mistake, request);
  });
}

// A prompt outside the synthetic family: the simulator says so, in a parseable answer step.
const UNKNOWN_PROBLEM =
  '\n<answer>\nThis simulator only knows the synthetic problem family: \\boxed{0}\n';

function finish(full: string, mistake: Mistake | null, request: GenerateRequest): GeneratedChoice {
  let stopAt = -1;
  let stopReason: string | null = null;
  for (const s of request.stop) {
    if (s === '') continue;
    const i = full.indexOf(s);
    if (i >= 0 && (stopAt < 0 || i < stopAt)) [stopAt, stopReason] = [i, s];
  }
  const generated = stopReason === null ? full : full.slice(0, stopAt + stopReason.length);
  if (countTokens(generated) > request.maxTokens) {
    const text = generated.slice(0, request.maxTokens * CHARS_PER_TOKEN);
    return {
      text,
      finishReason: 'length',
      stopReason: null,
      completionTokens: request.maxTokens,
      mistake,
    };
  }
  const text =
    stopReason === null || request.includeStopInOutput ? generated : full.slice(0, stopAt);
  return {
    text,
    finishReason: 'stop',
    stopReason,
    completionTokens: countTokens(generated),
    mistake,
  };
}
