import { Q_RULES, type QRule } from '@rstar-fleet/protocol';
import { compileStepProtocol, type StepProtocol, type StepProtocolConfig } from '../step-protocol';
import { booleanOption, enumOption, intOption } from './validate';

/** Settings shared by MCTS and beam search: how one node is expanded and valued. */
export interface ExpansionOptions {
  /** Candidates sampled per expansion (paper: 5 in round 1, 8 in rounds 2–3, 16 in round 4). */
  candidates?: number;
  /**
   * Code steps allowed in a solution, counted as rStar does: steps at depths 1..maxDepth may be
   * code, an answer may come at depth maxDepth + 1, and a non-answer step deeper than maxDepth is
   * a `depth-limit` terminal (rStar's TOO_MANY_STEPS). Default 16.
   */
  maxDepth?: number;
  /** Q annotation rule: `terminal` (rounds 1–2) or `ppm` (rounds 3–4, needs a reward port). */
  qRule?: QRule;
  /** Search seed; each expansion's sampling seed derives from it and the node id. */
  seed?: number;
  /**
   * rStar's `llm_generate` behaviour (default true): when any candidate is an answer, keep only
   * the first answer and drop every other candidate. It narrows expansion sharply near the end
   * of a solution: fewer answer terminals, so Q and N along the path, the pairs (fewer
   * wrong-answer siblings) and the SFT rows change. false keeps every distinct candidate.
   */
  collapseAnswers?: boolean;
  /**
   * Failed code steps in a row that end a branch (rStar's `errors_threshold`): a failed step
   * whose run of consecutive failures reaches this is a `code-error` terminal; below it the step
   * stays in the tree (non-terminal, its status recorded) and the search goes on from it.
   * rStar: 2 in the bootstrap round, 1 (the first failure is fatal) in the SLM rounds. Default 1.
   */
  errorsThreshold?: number;
  /** Tags and prompt template (defaults: rStar-Math's). */
  protocol?: Partial<StepProtocolConfig>;
}

export interface CompiledExpansionOptions {
  readonly candidates: number;
  readonly maxDepth: number;
  readonly qRule: QRule;
  readonly seed: number;
  readonly collapseAnswers: boolean;
  readonly errorsThreshold: number;
  readonly protocol: StepProtocol;
}

export const EXPANSION_OPTION_KEYS = [
  'candidates',
  'maxDepth',
  'qRule',
  'seed',
  'collapseAnswers',
  'errorsThreshold',
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
    collapseAnswers: booleanOption(options.collapseAnswers ?? true, `${prefix}.collapseAnswers`),
    errorsThreshold: intOption(options.errorsThreshold ?? 1, `${prefix}.errorsThreshold`, {
      min: 1,
      max: 1024,
    }),
    protocol: compileStepProtocol(options.protocol ?? {}, `${prefix}.protocol`),
  };
}
