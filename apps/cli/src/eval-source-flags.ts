import { InvalidArgumentError, Option, type Command } from 'commander';
import type { EvalSourceOptions } from '@rstar-fleet/orchestration';
import { BENCHMARKS_DIR_ENV, DEFAULT_BENCHMARKS_DIR } from './benchmarks-dir';

/** synth-heldout's defaults (the family seed of `corpus synth`'s default, 200 problems). */
export const EVAL_SOURCE_DEFAULTS = { synthSeed: 1, synthCount: 200 } as const;

/** The flags that say where named benchmarks are read from (`eval`, and `run` for `evaluate:`). */
export interface EvalSourceFlags {
  benchmarksDir: string;
  synthSeed: number;
  synthCount: number;
}

/** An integer flag of at least `min`. */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
    }
    return n;
  };
}

/** Adds --benchmarks-dir, --synth-seed and --synth-count to a command. */
export function addEvalSourceOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--benchmarks-dir <dir>', 'folder of the named benchmark files')
        .env(BENCHMARKS_DIR_ENV)
        .default(DEFAULT_BENCHMARKS_DIR),
    )
    .option(
      '--synth-seed <S>',
      'synth-heldout: the family seed (the training corpus seed)',
      wholeNumber(0),
      EVAL_SOURCE_DEFAULTS.synthSeed,
    )
    .option(
      '--synth-count <N>',
      'synth-heldout: its problems',
      wholeNumber(1),
      EVAL_SOURCE_DEFAULTS.synthCount,
    );
}

/** The flags as the orchestration packages take them. */
export function evalSourcesFromFlags(flags: EvalSourceFlags): EvalSourceOptions {
  return {
    dir: flags.benchmarksDir,
    synth: { seed: flags.synthSeed, count: flags.synthCount },
  };
}
