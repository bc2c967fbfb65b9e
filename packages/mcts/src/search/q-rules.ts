import type { QRule } from '@rstar-fleet/protocol';
import type { SearchNode } from '../tree/node';

/**
 * How step values are annotated (DESIGN §4, reference §2.2).
 * - `terminal` (rounds 1–2): Q(s) = (#correct − #wrong)/#terminals through s.
 * - `ppm` (rounds 3–4): each new non-terminal node starts with q = PPM(prefix), N = 1, so
 *   Q(s) = (PPM(s) + Σ±1)/(1 + #terminals through s).
 * In both, answer terminals back-propagate their reward and failed terminals (code error,
 * invalid, depth limit) get −1 locally only.
 */
export type { QRule };

/** Value of a failed terminal; never back-propagated (rStar `node.update(-1)`). */
export const FAILED_TERMINAL_VALUE = -1;

/** Adds `reward` to q and 1 to N of `node` and every ancestor up to the root. */
export function backpropagate(node: SearchNode, reward: number): void {
  for (let at: SearchNode | null = node; at !== null; at = at.parent) {
    at.q += reward;
    at.n += 1;
  }
}

/**
 * Sets a node's own value without touching its ancestors: a failed terminal's −1, or the PPM
 * initial value. Replaces whatever local value the node had (a node turned into an invalid
 * terminal after its PPM initialisation has no terminals below it, so nothing else is lost).
 */
export function setLocalValue(node: SearchNode, value: number): void {
  node.q = value;
  node.n = 1;
}
