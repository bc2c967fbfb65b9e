import type { UnvisitedRule } from '../search/select';
import {
  compileExpansionOptions,
  EXPANSION_OPTION_KEYS,
  type CompiledExpansionOptions,
  type ExpansionOptions,
} from './expansion-options';
import { enumOption, intOption, numberOption, rejectUnknownKeys } from './validate';

/** MCTS settings; every field is optional and defaults to rStar-Math's value. */
export interface MctsOptions extends ExpansionOptions {
  /** Rollouts per tree (paper: 8 in round 1, 16 after; 64/128 for hard problems in round 4). */
  rollouts?: number;
  /** UCT exploration constant c (rStar: 2). */
  c?: number;
  /** Score of an unvisited child: `zero` (rStar, default) or `infinite` (textbook UCT). */
  unvisited?: UnvisitedRule;
  /**
   * Rollouts of the same tree in flight at once (default 1). Above 1, virtual loss spreads them
   * over the tree; results then depend on port timing, so reproducibility holds at 1.
   */
  concurrency?: number;
  /**
   * Yield to the event loop (one `setImmediate`) every this many rollouts of a worker, so a
   * search over instant ports (tests, benchmarks) cannot starve timers and I/O of its host.
   * 0 disables it. Default 8.
   */
  yieldEvery?: number;
}

export interface CompiledMctsOptions extends CompiledExpansionOptions {
  readonly rollouts: number;
  readonly c: number;
  readonly unvisited: UnvisitedRule;
  readonly concurrency: number;
  readonly yieldEvery: number;
}

const KEYS = [
  ...EXPANSION_OPTION_KEYS,
  'rollouts',
  'c',
  'unvisited',
  'concurrency',
  'yieldEvery',
] as const;

/** Validates MCTS options once; error fields are prefixed with `prefix` (default `mcts`). */
export function compileMctsOptions(
  options: MctsOptions = {},
  prefix = 'mcts',
): CompiledMctsOptions {
  rejectUnknownKeys(options, KEYS, prefix);
  return Object.freeze({
    ...compileExpansionOptions(options, { qRule: 'terminal' }, prefix),
    rollouts: intOption(options.rollouts ?? 16, `${prefix}.rollouts`, { min: 1 }),
    c: numberOption(options.c ?? 2, `${prefix}.c`, { min: 0, max: 1e6 }),
    unvisited: enumOption(options.unvisited ?? 'zero', ['zero', 'infinite'], `${prefix}.unvisited`),
    concurrency: intOption(options.concurrency ?? 1, `${prefix}.concurrency`, {
      min: 1,
      max: 4096,
    }),
    yieldEvery: intOption(options.yieldEvery ?? 8, `${prefix}.yieldEvery`, { min: 0 }),
  });
}
