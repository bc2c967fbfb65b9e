import type { RewardTransformName } from '@rstar-fleet/protocol';

/** Maps the PPM head's raw output to the score the search uses. */
const TRANSFORMS: Record<RewardTransformName, (x: number) => number> = {
  /** rStar-Math: tanh(x / 5), a raw logit squashed into (−1, 1). */
  tanh5: (x) => Math.tanh(x / 5),
  /** The server already returns the final score (e.g. a PRM's probability). */
  identity: (x) => x,
  /** A logit to a probability in (0, 1). */
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

export function rewardTransform(name: RewardTransformName): (x: number) => number {
  return TRANSFORMS[name];
}
