import { InvalidInputError, TEST_TIME_MODES, type TestTimeMode } from '@rstar-fleet/protocol';
import type { StepProtocolConfig } from '../step-protocol';
import {
  compileBeamOptions,
  type BeamOptions,
  type CompiledBeamOptions,
} from '../options/beam-options';
import {
  compileExpansionOptions,
  type CompiledExpansionOptions,
} from '../options/expansion-options';
import {
  compileMctsOptions,
  type CompiledMctsOptions,
  type MctsOptions,
} from '../options/mcts-options';
import { enumOption, intOption, rejectUnknownKeys } from '../options/validate';

/** The modes and what each does: protocol's dialects.ts (the wire and the store name them). */
export { TEST_TIME_MODES, type TestTimeMode };

/** Modes that need a PPM (reward port). */
export const PPM_MODES: readonly TestTimeMode[] = ['system2', 'best-of-n', 'beam'];

/** Majority of the final stage: one vote per answer, or each answer weighted by its PPM score. */
export const VOTE_RULES = ['plain', 'weighted'] as const;
export type VoteRule = (typeof VOTE_RULES)[number];

export interface AnswerSelectionOptions {
  /** Runs' answers kept for the final vote, highest score first (rStar `eval_maj.py` top_n: 4). */
  topK?: number;
  /** `plain` (default) or `weighted` (sum of the kept answers' PPM scores per answer). */
  vote?: VoteRule;
}

export interface CompiledAnswerSelection {
  readonly topK: number;
  readonly vote: VoteRule;
}

/** MCTS settings a test-time run may change (the seed is the run's; the Q rule is `ppm`). */
export type TestTimeMctsOptions = Pick<
  MctsOptions,
  'candidates' | 'rollouts' | 'maxDepth' | 'c' | 'unvisited' | 'concurrency' | 'collapseAnswers'
>;

/** Beam settings a test-time run may change. */
export type TestTimeBeamOptions = Pick<
  BeamOptions,
  'candidates' | 'beamWidth' | 'maxDepth' | 'maxExpansions' | 'collapseAnswers'
>;

export interface TestTimeOptions {
  /** Default `system2`. */
  mode?: TestTimeMode;
  /**
   * Independent runs (trajectories) per problem: MCTS trees, sampled solutions or beam searches.
   * Default 64, the paper's headline System-2 setting (rStar `run_example.sh` repeats
   * `sft_eval_mcts.yaml` 64 times); the README's cheaper setting is 8. `greedy` runs once.
   */
  runs?: number;
  /** Run r searches with seed `seed + r`: distinct seeds per run (rStar seeds every run 0). */
  seed?: number;
  /** Runs of one problem in flight at once. Default 4. */
  concurrentRuns?: number;
  /** rStar `sft_eval_mcts.yaml`: 32 candidates, 12 rollouts, depth 16, c = 2. */
  mcts?: TestTimeMctsOptions;
  /** rStar `sft_eval_bs.yaml`: beam 8, 8 candidates, depth 16. */
  beam?: TestTimeBeamOptions;
  /** Steps of a sampled full solution (greedy, maj, best-of-n) at most. Default 16. */
  solutionMaxDepth?: number;
  selection?: AnswerSelectionOptions;
  /** Tags and prompt template (defaults: rStar-Math's), the same for every mode. */
  protocol?: Partial<StepProtocolConfig>;
}

export interface CompiledTestTimeOptions {
  readonly mode: TestTimeMode;
  /** 1 for `greedy`, whatever was asked. */
  readonly runs: number;
  readonly seed: number;
  readonly concurrentRuns: number;
  /** Engine settings of a system2 run; its seed is replaced by the run's. */
  readonly mcts: CompiledMctsOptions;
  readonly beam: CompiledBeamOptions;
  /** Settings of a sampled full solution (one candidate per step). */
  readonly solution: CompiledExpansionOptions;
  readonly selection: CompiledAnswerSelection;
  /** The protocol settings as given (the engines compile them with their other options). */
  readonly protocol: Readonly<Partial<StepProtocolConfig>>;
}

/** rStar-Math's evaluation settings (reference `training-serving-eval.md` §C.1). */
export const TEST_TIME_DEFAULTS = Object.freeze({
  mode: 'system2',
  runs: 64,
  seed: 0,
  concurrentRuns: 4,
  mcts: Object.freeze({ candidates: 32, rollouts: 12, maxDepth: 16, c: 2 }),
  beam: Object.freeze({ candidates: 8, beamWidth: 8, maxDepth: 16 }),
  solutionMaxDepth: 16,
  selection: Object.freeze({ topK: 4, vote: 'plain' }),
});

const KEYS = [
  'mode',
  'runs',
  'seed',
  'concurrentRuns',
  'mcts',
  'beam',
  'solutionMaxDepth',
  'selection',
  'protocol',
] as const;

/**
 * Validates and defaults every test-time setting once; errors name the field (`testTime.runs`).
 * A compiled form (e.g. read back from an eval manifest's JSON) is accepted too: it compiles to
 * an equal object, and one that is not what its settings compile to is refused (see recompile).
 */
export function compileTestTimeOptions(
  options: TestTimeOptions | CompiledTestTimeOptions = {},
  prefix = 'testTime',
): CompiledTestTimeOptions {
  if ('solution' in options) return recompile(options, prefix);
  return compileSettings(options, prefix);
}

function compileSettings(options: TestTimeOptions, prefix: string): CompiledTestTimeOptions {
  rejectUnknownKeys(options, KEYS, prefix);
  const d = TEST_TIME_DEFAULTS;
  const mode = enumOption(options.mode ?? d.mode, TEST_TIME_MODES, `${prefix}.mode`);
  const seed = intOption(options.seed ?? d.seed, `${prefix}.seed`, { min: 0 });
  const protocol = options.protocol ?? {};
  const runs = intOption(options.runs ?? d.runs, `${prefix}.runs`, { min: 1, max: 65_536 });
  const selection = options.selection ?? {};
  rejectUnknownKeys(selection, ['topK', 'vote'], `${prefix}.selection`);
  return Object.freeze({
    mode,
    runs: mode === 'greedy' ? 1 : runs,
    seed,
    concurrentRuns: intOption(
      options.concurrentRuns ?? d.concurrentRuns,
      `${prefix}.concurrentRuns`,
      { min: 1, max: 4096 },
    ),
    mcts: compileMctsOptions(
      { ...d.mcts, ...options.mcts, qRule: 'ppm', seed, protocol },
      `${prefix}.mcts`,
    ),
    beam: compileBeamOptions({ ...d.beam, ...options.beam, seed, protocol }, `${prefix}.beam`),
    solution: compileExpansionOptions(
      {
        candidates: 1,
        maxDepth: options.solutionMaxDepth ?? d.solutionMaxDepth,
        seed,
        protocol,
      },
      { qRule: 'terminal' },
      `${prefix}.solution`,
    ),
    selection: Object.freeze({
      topK: intOption(selection.topK ?? d.selection.topK, `${prefix}.selection.topK`, {
        min: 1,
      }),
      vote: enumOption(selection.vote ?? d.selection.vote, VOTE_RULES, `${prefix}.selection.vote`),
    }),
    protocol: Object.freeze({ ...protocol }),
  });
}

/**
 * A compiled form compiled again: the settings it was compiled from (each engine's options less
 * what compileTestTimeOptions sets itself: the seed, the protocol, the MCTS Q rule) compile to
 * the same object, field for field. Anything else (a hand-edited or foreign "compiled" object,
 * e.g. a sampled solution with 3 candidates) would silently change meaning, so it is refused
 * naming the first field that differs.
 */
function recompile(compiled: CompiledTestTimeOptions, prefix: string): CompiledTestTimeOptions {
  const part = (name: 'mcts' | 'beam' | 'solution'): Record<string, unknown> => {
    const value: unknown = compiled[name];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidInputError('expected an object', { field: `${prefix}.${name}` });
    }
    return value as Record<string, unknown>;
  };
  const { qRule: _mctsQRule, seed: _mctsSeed, protocol: _mctsProtocol, ...mcts } = part('mcts');
  const { seed: _beamSeed, protocol: _beamProtocol, ...beam } = part('beam');
  const again = compileSettings(
    {
      mode: compiled.mode,
      runs: compiled.runs,
      seed: compiled.seed,
      concurrentRuns: compiled.concurrentRuns,
      mcts,
      beam,
      solutionMaxDepth: part('solution')['maxDepth'] as number,
      selection: compiled.selection,
      protocol: compiled.protocol,
    },
    prefix,
  );
  const differs = firstDifference(again, compiled);
  if (differs !== null) {
    throw new InvalidInputError('not what these settings compile to', {
      field: differs === '' ? prefix : `${prefix}.${differs}`,
    });
  }
  return again;
}

/** Path of the first value that differs between two JSON-like values ('' = the values); null if equal. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null;
  if (!isObject(a) || !isObject(b)) return Object.is(a, b) ? null : path;
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) {
    const differs = firstDifference(a[key], b[key], path === '' ? key : `${path}.${key}`);
    if (differs !== null) return differs;
  }
  return null;
}
