import type { StepCandidate } from '../ports';
import { lastBoxed } from './boxed';
import type { StepProtocol } from './config';

export type InvalidStepReason = 'truncated' | 'no-stop' | 'unknown-stop' | 'no-answer';

/** A sampled candidate read through the step protocol; `text` has its stop string re-attached. */
export type ParsedStep =
  | { kind: 'code'; text: string }
  | { kind: 'code-close'; text: string }
  | { kind: 'answer'; text: string; answer: string }
  | { kind: 'invalid'; text: string; reason: InvalidStepReason };

/**
 * Classifies a candidate by how it stopped, then by content:
 * - `finishReason: 'length'` → invalid (truncated), whatever it contains;
 * - `answerEnd` → answer (invalid if it has no `\boxed{}`);
 * - `stepEnd` → intermediate code step; `codeEnd` → code step closing the block;
 * - no stop (EOS) → answer if it has a `\boxed{}`, otherwise invalid.
 * Deviation from rStar, which calls any step containing "boxed" an answer: a step that stopped on
 * a code tag is code even if a comment mentions `\boxed` — the stop tag is the model's own
 * statement of what the step is.
 */
export function parseStep(candidate: StepCandidate, protocol: StepProtocol): ParsedStep {
  const text = withStop(candidate);
  if (candidate.finishReason === 'length') return { kind: 'invalid', text, reason: 'truncated' };
  const answer = lastBoxed(candidate.text);
  switch (candidate.stop) {
    case protocol.answerEnd:
      return answer === null
        ? { kind: 'invalid', text, reason: 'no-answer' }
        : { kind: 'answer', text, answer };
    case protocol.stepEnd:
      return { kind: 'code', text };
    case protocol.codeEnd:
      return { kind: 'code-close', text };
    case null:
      return answer === null
        ? { kind: 'invalid', text, reason: 'no-stop' }
        : { kind: 'answer', text, answer };
    default:
      return { kind: 'invalid', text, reason: 'unknown-stop' };
  }
}

/**
 * The step as it will appear in its children's prompt. Clients should strip the stop string
 * (the port contract); one that already left it attached is tolerated, not doubled.
 */
function withStop(candidate: StepCandidate): string {
  const { text, stop } = candidate;
  if (stop === null || text.endsWith(stop)) return text;
  return text + stop;
}
