import { hashKey, keyedRng } from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import type { Checkpoint } from './checkpoint';
import { recoverPrompt } from './recover';
import { judgeSteps } from './truth';

// Keeps tanh(raw/5) strictly inside (−1, 1) so the raw value stays finite.
const LIMIT = 0.995;

/**
 * The simulated PPM's score on the tanh scale: the truth (+ on a correct path, − off it), more
 * confident further along (0.2 + 0.6 × progress), plus Gaussian noise of the checkpoint's
 * standard deviation keyed by the prefix — the same prefix always gets the same score, and a
 * checkpoint with less noise errs on a subset of the prefixes a noisier one errs on.
 * A prefix whose values are right but that holds a lucky flaw scores `confidence × (1 − 2 ×
 * flawSight)`. A prompt outside the family scores 0.
 */
export function ppmValue(prefix: string, checkpoint: Checkpoint, protocol: StepProtocol): number {
  const found = recoverPrompt(prefix, protocol);
  if (found === null) return 0;
  const verdict = judgeSteps(found.problem, found.steps, protocol);
  const confidence = 0.2 + 0.6 * verdict.progress;
  // A lucky flaw keeps every value right: only a PPM that learnt to see flaws scores it down.
  const base = verdict.sound
    ? confidence
    : verdict.onPath
      ? confidence * (1 - 2 * checkpoint.ppm.flawSight)
      : -confidence;
  const z = keyedRng(checkpoint.seed, 'ppm', hashKey(prefix)).gaussian();
  return Math.max(-LIMIT, Math.min(LIMIT, base + checkpoint.ppm.noise * z));
}

/** The raw head output the server returns: the client's tanh(raw/5) gives `ppmValue` back. */
export function ppmRawScore(
  prefix: string,
  checkpoint: Checkpoint,
  protocol: StepProtocol,
): number {
  return 5 * Math.atanh(ppmValue(prefix, checkpoint, protocol));
}
