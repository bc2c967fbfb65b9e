import { compileTestTimeOptions, type CompiledTestTimeOptions } from '@rstar-fleet/mcts';
import { InvalidInputError, formatLocation, type TestTimeMode } from '@rstar-fleet/protocol';
import type { EvaluateInput } from './plan-schema';

/** A benchmark of the evaluation: one of the named files, or a file read through an adapter. */
export type EvalBenchmarkPlan =
  | { readonly kind: 'named'; readonly name: string }
  | {
      readonly kind: 'file';
      /** Label in reports and metrics. */
      readonly name: string;
      readonly path: string;
      readonly adapter: string;
    };

/** One mode of the evaluation with its test-time options compiled (they go into eval.json). */
export interface EvalModePlan {
  readonly mode: TestTimeMode;
  readonly options: CompiledTestTimeOptions;
}

/** The plan's `evaluate:` section with every default applied (plan-schema.ts documents each). */
export interface EvaluatePlan {
  readonly benchmarks: readonly EvalBenchmarkPlan[];
  readonly modes: readonly EvalModePlan[];
  /** Problems per benchmark (a seeded sample); null = all. */
  readonly sample: number | null;
  readonly seed: number;
  /** Evaluate the plan's round-1 models before round 1 (round 0 of the table). */
  readonly baseline: boolean;
  readonly shardSize: number;
  readonly maxFailedShardShare: number;
  /** The evaluated policy's sampling temperature (greedy decodes at 0 whatever it is). */
  readonly sampling: { readonly temperature: number };
}

/** Every default of `evaluate:`, applied by compileEvaluate only. */
export const EVALUATE_DEFAULTS = {
  modes: ['greedy', 'system2'],
  seed: 0,
  baseline: true,
  shardSize: 16,
  maxFailedShardShare: 0,
  /** rStar's eval samples at temperature 1 (sft_eval_mcts.yaml). */
  sampling: { temperature: 1 },
} as const satisfies Omit<EvaluatePlan, 'benchmarks' | 'modes' | 'sample'> & {
  modes: readonly TestTimeMode[];
};

type Report = (path: readonly PropertyKey[], message: string) => void;

/**
 * Compiles `evaluate:`; problems go to `issue` with their plan path (null is returned then).
 * `runs` absent keeps the test-time default (rStar's 64); greedy runs once whatever is asked.
 */
export function compileEvaluate(input: EvaluateInput, issue: Report): EvaluatePlan | null {
  const at = (...rest: PropertyKey[]): PropertyKey[] => ['evaluate', ...rest];
  const d = EVALUATE_DEFAULTS;
  let ok = true;
  const modes: readonly TestTimeMode[] = input.modes ?? d.modes;
  modes.forEach((mode, i) => {
    if (modes.indexOf(mode) !== i) {
      issue(at('modes', i), `mode ${mode} is listed twice`);
      ok = false;
    }
  });
  const names = new Map<string, number>();
  const benchmarks = input.benchmarks.map((b, i): EvalBenchmarkPlan => {
    const plan: EvalBenchmarkPlan =
      typeof b === 'string'
        ? { kind: 'named', name: b }
        : {
            kind: 'file',
            name: b.name ?? baseName(b.file),
            path: b.file,
            adapter: b.adapter ?? 'auto',
          };
    const seen = names.get(plan.name);
    if (seen !== undefined) {
      issue(at('benchmarks', i), `benchmark ${plan.name} is listed twice (also at index ${seen})`);
      ok = false;
    }
    names.set(plan.name, i);
    return plan;
  });
  const seed = input.seed ?? d.seed;
  const compiled: EvalModePlan[] = [];
  for (const mode of new Set(modes)) {
    try {
      compiled.push({
        mode,
        options: compileTestTimeOptions(
          {
            ...input.testTime,
            mode,
            seed,
            ...(input.runs === undefined ? {} : { runs: input.runs }),
          },
          'testTime',
        ),
      });
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      // The field is the test-time option's (`testTime.mcts.rollouts`): under `evaluate:` here.
      const place = formatLocation(err.where);
      const message = place === '' ? err.message : err.message.slice(place.length + 2);
      issue(at(...(err.where.field ?? 'testTime').split('.')), `${mode}: ${message}`);
      ok = false;
    }
  }
  if (!ok) return null;
  return {
    benchmarks,
    modes: compiled,
    sample: input.sample ?? null,
    seed,
    baseline: input.baseline ?? d.baseline,
    shardSize: input.shardSize ?? d.shardSize,
    maxFailedShardShare: input.maxFailedShardShare ?? d.maxFailedShardShare,
    sampling: { temperature: input.sampling?.temperature ?? d.sampling.temperature },
  };
}

function baseName(path: string): string {
  const file = path.split(/[\\/]/).at(-1) ?? path;
  return file.replace(/\.[^.]*$/, '') || file;
}
