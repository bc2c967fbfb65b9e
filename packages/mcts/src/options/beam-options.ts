import {
  compileExpansionOptions,
  EXPANSION_OPTION_KEYS,
  type CompiledExpansionOptions,
  type ExpansionOptions,
} from './expansion-options';
import { intOption, rejectUnknownKeys } from './validate';

/** Step-level beam search settings (rStar `sft_eval_bs.yaml`: beam 8, 8 samples). */
export interface BeamOptions extends ExpansionOptions {
  /** Nodes kept per level, ranked by PPM score. Default 8. */
  beamWidth?: number;
  /**
   * Expansion budget (policy calls), to compare with MCTS at equal cost; null = unlimited (the
   * search then stops when every beam is terminal or at maxDepth). Default null.
   */
  maxExpansions?: number | null;
}

export interface CompiledBeamOptions extends CompiledExpansionOptions {
  readonly beamWidth: number;
  readonly maxExpansions: number | null;
}

const KEYS = [...EXPANSION_OPTION_KEYS, 'beamWidth', 'maxExpansions'] as const;

/**
 * Validates beam options once. The Q rule defaults to `ppm`: beam search scores every new node
 * with the PPM anyway, so its record carries PPM-augmented Q values unless asked otherwise.
 */
export function compileBeamOptions(
  options: BeamOptions = {},
  prefix = 'beam',
): CompiledBeamOptions {
  rejectUnknownKeys(options, KEYS, prefix);
  const maxExpansions = options.maxExpansions ?? null;
  return Object.freeze({
    ...compileExpansionOptions(options, { qRule: 'ppm' }, prefix),
    beamWidth: intOption(options.beamWidth ?? 8, `${prefix}.beamWidth`, { min: 1, max: 4096 }),
    maxExpansions:
      maxExpansions === null
        ? null
        : intOption(maxExpansions, `${prefix}.maxExpansions`, { min: 1 }),
  });
}
