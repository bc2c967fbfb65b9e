import {
  booleanOption,
  enumOption,
  intOption,
  numberOption,
  rejectUnknownKeys,
} from '../options/validate';

/** Extraction settings; defaults are the paper's and rStar's sampler's. */
export interface ExtractionOptions {
  /** Correct trajectories kept per problem for SFT, by mean step Q (ties: min Q). Default 2. */
  sftPerProblem?: number;
  /** Children taken per side at a pairing node: top by Q (chosen), bottom by Q (rejected). Default 2. */
  pairSideWidth?: number;
  /**
   * When one side has a single child, the other side may take this many (rStar's extractor: 4).
   * Default 2, the paper's plain top-2 × bottom-2.
   */
  singleSideWidth?: number;
  /** Keep a pair only when chosen Q − rejected Q ≥ this (rStar: 0.5). Pairs always need > 0. */
  minMargin?: number;
  /** Keep a pair only when the two texts' Levenshtein distance ≥ this (rStar: 20 characters). */
  minEditDistance?: number;
  /** Also pair whole trajectories (the paper's rule for the final step). Default true. */
  trajectoryPairs?: boolean;
  /**
   * rStar's SFT sampler (`train/sample_sft_data.py`): after the top `sftPerProblem` correct
   * trajectories are chosen, one whose completion contains "error" (any case) is dropped, not
   * replaced, so a problem may give fewer rows. It catches a tolerated failed step's traceback
   * and also innocent text (a comment on "rounding error"). Default true; false keeps them.
   */
  sftDropErrorText?: boolean;
  /**
   * How candidates are ranked before the top and bottom are taken. `q` (default, the method):
   * by step Q-values as above. `random`: a control for measurement, not for training data — the
   * same candidates, widths and edit-distance filter, ordered by a seeded hash of (rankingSeed,
   * problem, node), and no Q margin filter, so an audit can show what the Q-values add
   * (apps/model-sim's audit uses it).
   */
  ranking?: 'q' | 'random';
  /** Seed of the `random` ranking. Default 0. */
  rankingSeed?: number;
}

export interface CompiledExtractionOptions {
  readonly sftPerProblem: number;
  readonly pairSideWidth: number;
  readonly singleSideWidth: number;
  readonly minMargin: number;
  readonly minEditDistance: number;
  readonly trajectoryPairs: boolean;
  readonly sftDropErrorText: boolean;
  readonly ranking: 'q' | 'random';
  readonly rankingSeed: number;
}

const RANKINGS = ['q', 'random'] as const;

const KEYS = [
  'sftPerProblem',
  'pairSideWidth',
  'singleSideWidth',
  'minMargin',
  'minEditDistance',
  'trajectoryPairs',
  'sftDropErrorText',
  'ranking',
  'rankingSeed',
];

export function compileExtractionOptions(
  options: ExtractionOptions = {},
  prefix = 'extract',
): CompiledExtractionOptions {
  rejectUnknownKeys(options, KEYS, prefix);
  return Object.freeze({
    sftPerProblem: intOption(options.sftPerProblem ?? 2, `${prefix}.sftPerProblem`, { min: 0 }),
    pairSideWidth: intOption(options.pairSideWidth ?? 2, `${prefix}.pairSideWidth`, { min: 1 }),
    singleSideWidth: intOption(options.singleSideWidth ?? 2, `${prefix}.singleSideWidth`, {
      min: 1,
    }),
    minMargin: numberOption(options.minMargin ?? 0.5, `${prefix}.minMargin`, { min: 0, max: 2 }),
    minEditDistance: intOption(options.minEditDistance ?? 20, `${prefix}.minEditDistance`, {
      min: 0,
    }),
    trajectoryPairs: booleanOption(options.trajectoryPairs ?? true, `${prefix}.trajectoryPairs`),
    sftDropErrorText: booleanOption(options.sftDropErrorText ?? true, `${prefix}.sftDropErrorText`),
    ranking: enumOption(options.ranking ?? 'q', RANKINGS, `${prefix}.ranking`),
    rankingSeed: intOption(options.rankingSeed ?? 0, `${prefix}.rankingSeed`, { min: 0 }),
  });
}
