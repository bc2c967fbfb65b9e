import { distance } from 'fastest-levenshtein';
import type { CompiledExtractionOptions } from './options';

export interface PairFilterCounts {
  belowMargin: number;
  tooSimilar: number;
}

/**
 * rStar's sampler filters: a pair is kept when chosen Q − rejected Q ≥ minMargin (and > 0, so
 * every kept pair has chosen Q > rejected Q whatever the setting) and the texts are at least
 * minEditDistance Levenshtein edits apart (near-identical steps teach the PPM nothing). Under
 * `ranking: random` (a measuring control) only the edit distance applies.
 */
export function keepPair(
  chosen: { q: number; text: string },
  rejected: { q: number; text: string },
  options: CompiledExtractionOptions,
  counts: PairFilterCounts,
): boolean {
  const margin = chosen.q - rejected.q;
  // The random-ranking control ignores Q altogether: a margin filter would let Q back in.
  if (options.ranking === 'q' && (!(margin > 0) || margin < options.minMargin)) {
    counts.belowMargin += 1;
    return false;
  }
  if (
    options.minEditDistance > 0 &&
    distance(chosen.text, rejected.text) < options.minEditDistance
  ) {
    counts.tooSimilar += 1;
    return false;
  }
  return true;
}
