import { Q_RULES, type QRule } from '@rstar-fleet/protocol';
import { compileStepProtocol, type StepProtocol, type StepProtocolConfig } from '../step-protocol';
import { booleanOption, enumOption, intOption } from './validate';

/** Settings shared by MCTS and beam search: how one node is expanded and valued. */
export interface ExpansionOptions {
  /** Candidates sampled per expansion (paper: 5 in round 1, 8 in rounds 2–3, 16 in round 4). */
  candidates?: number;
  /** Maximum steps in a solution; a non-answer step at this depth is a `depth-limit` terminal. */
  maxDepth?: number;
  /** Q annotation rule: `terminal` (rounds 1–2) or `ppm` (rounds 3–4, needs a reward port). */
  qRule?: QRule;
  /** Search seed; each expansion's sampling seed derives from it and the node id. */
  seed?: number;
  /**
   * rStar's `llm_generate` behaviour: when any candidate is an answer, keep only the first answer
   * and drop every other candidate. Off by default: it narrows expansion sharply near the end of
   * a solution and discards wrong-answer siblings that PPM pairs need.
   */
  collapseAnswers?: boolean;
  /** Tags and prompt template (defaults: rStar-Math's). */
  protocol?: Partial<StepProtocolConfig>;
}

export interface CompiledExpansionOptions {
  readonly candidates: number;
  readonly maxDepth: number;
  readonly qRule: QRule;
  readonly seed: number;
  readonly collapseAnswers: boolean;
  readonly protocol: StepProtocol;
}

export const EXPANSION_OPTION_KEYS = [
  'candidates',
  'maxDepth',
  'qRule',
  'seed',
  'collapseAnswers',
  'protocol',
] as const;

export function compileExpansionOptions(
  options: ExpansionOptions,
  defaults: { qRule: QRule },
  prefix: string,
): CompiledExpansionOptions {
  return {
    candidates: intOption(options.candidates ?? 8, `${prefix}.candidates`, { min: 1, max: 1024 }),
    maxDepth: intOption(options.maxDepth ?? 16, `${prefix}.maxDepth`, { min: 1, max: 1024 }),
    qRule: enumOption(options.qRule ?? defaults.qRule, Q_RULES, `${prefix}.qRule`),
    seed: intOption(options.seed ?? 0, `${prefix}.seed`),
    collapseAnswers: booleanOption(options.collapseAnswers ?? false, `${prefix}.collapseAnswers`),
    protocol: compileStepProtocol(options.protocol ?? {}, `${prefix}.protocol`),
  };
}
