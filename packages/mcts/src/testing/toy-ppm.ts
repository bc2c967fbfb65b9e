import type { RewardPort } from '../ports';
import type { StepProtocol } from '../step-protocol';
import { delay } from './delay';
import type { ToyProblem } from './toy-problems';
import { keyedRng } from './toy-rng';
import { judgeToyPrefix } from './toy-truth';

/**
 * A PPM double (NOT a model): it knows whether a prefix is still on a correct path and answers
 * +0.2…+0.8 when it is, −0.2…−0.8 when not (further along = more confident), plus Gaussian noise
 * of standard deviation `noise`, clamped to [−1, 1]. The noise is keyed by the prefix, so a
 * prefix always gets the same score.
 */
export function createToyPpm(
  findProblem: (prefix: string) => { problem: ToyProblem; steps: string } | undefined,
  protocol: StepProtocol,
  options: { noise: number; latencyMs: number; seed: number },
): RewardPort {
  return {
    async score(prefixes, signal) {
      await delay(options.latencyMs, signal);
      return prefixes.map((prefix) => {
        const found = findProblem(prefix);
        if (found === undefined) return 0;
        const verdict = judgeToyPrefix(found.problem, found.steps, protocol);
        const confidence = 0.2 + 0.6 * verdict.progress;
        const base = verdict.onPath ? confidence : -confidence;
        const noise =
          options.noise === 0 ? 0 : options.noise * keyedRng(options.seed, prefix).gaussian();
        return Math.max(-1, Math.min(1, base + noise));
      });
    },
  };
}
