import type { EvaluatePlan, RunPlan } from '@rstar-fleet/config';
import { PPM_MODES } from '@rstar-fleet/mcts';
import {
  EVAL_MANIFEST_VERSION,
  InvalidInputError,
  parseEvalManifest,
  type EvalBenchmark,
  type EvalManifest,
  type RoundManifest,
} from '@rstar-fleet/protocol';
import { evalFile, readIfExists, type ArtifactStore } from '@rstar-fleet/store';
import type { RunState } from './run-state';
import { testTimeModels } from './test-time-models';

/**
 * The names evaluations are stored under (`runs/<run>/round-<r>/eval/<name>/`). Not settings:
 * every setting of an evaluation, its sampling temperature included, is the plan's `evaluate:`
 * (or the eval command's flags) compiled by compileEvaluate in @rstar-fleet/config.
 */
export const EVAL_NAMES = Object.freeze({
  /** An `rstar-fleet eval` of the run's models without `--name`. */
  eval: 'eval',
  /** An evaluation of models given by URL (not the run's): kept apart by default. */
  custom: 'custom',
  /** The run plan's own evaluation of each round's models (`evaluate:`; round-evaluator.ts). */
  plan: 'plan',
});

/** What a caller (the `eval` command, or a round after its deploy hook) asks for. */
export interface EvalRequest {
  /** Default `eval` (`custom` with `models`). */
  name?: string;
  /** Whose models (see EvalManifest.round); default the newest deployed (testTimeModels). */
  round?: number;
  /**
   * Models given explicitly (`--policy URL [--ppm URL]`) instead of the run's: the evaluation is
   * stored under `round` (default 0).
   */
  models?: Pick<RoundManifest, 'policy' | 'ppm'>;
  /** Benchmarks, modes with compiled options, runs, sample, seed, shards: the plan's `evaluate:`
   * (or the eval command's flags compiled the same way, by compileEvaluate). */
  settings: EvaluatePlan;
}

/** A benchmark as read (after sampling): the manifest lays its shards out. */
export type EvalBenchmarkInput = Pick<EvalBenchmark, 'name' | 'source' | 'problems' | 'skipped'>;

export interface EvalManifestInput {
  plan: RunPlan;
  run: string;
  /** The run's state (null: not started; only round 0 or explicit models can be evaluated). */
  state: RunState | null;
  request: EvalRequest;
  benchmarks: readonly EvalBenchmarkInput[];
}

/**
 * The one function that resolves an evaluation (as buildRoundManifest does a round): whose
 * models (testTimeModels, or the request's), every mode's compiled test-time options, runs, seed, each benchmark's shard range, shard size. Nothing
 * after it decides an evaluation's settings: the worker reads the manifest.
 */
export function buildEvalManifest(input: EvalManifestInput): EvalManifest {
  const { plan, run, state, request } = input;
  const { settings } = request;
  const resolved = testTimeModels(
    plan,
    run,
    state,
    request.models === undefined ? request.round : 0,
  );
  const round = request.models === undefined ? resolved.round : (request.round ?? 0);
  const modes = settings.modes.map((m) => m.mode);
  if (modes.length === 0) throw new InvalidInputError('no mode to evaluate', { field: 'modes' });
  const models = request.models ?? resolved.models;
  const ppmModes = modes.filter((m) => PPM_MODES.includes(m));
  if (ppmModes.length > 0 && models.ppm === null) {
    throw new InvalidInputError(
      `mode(s) ${ppmModes.join(', ')} score with a PPM, and the models have none`,
      { field: 'ppm' },
    );
  }
  const size = settings.shardSize;
  let firstShard = 0;
  const benchmarks = input.benchmarks.map((b): EvalBenchmark => {
    const shards = Math.ceil(b.problems / size);
    const laid = { ...b, firstShard, shards };
    firstShard += shards;
    return laid;
  });
  if (benchmarks.every((b) => b.problems === 0)) {
    throw new InvalidInputError('no problem to evaluate', { field: 'benchmarks' });
  }
  return {
    v: EVAL_MANIFEST_VERSION,
    run,
    round,
    name: request.name ?? (request.models === undefined ? EVAL_NAMES.eval : EVAL_NAMES.custom),
    policy: models.policy,
    ppm: ppmModes.length > 0 ? models.ppm : null,
    sandbox: resolved.models.sandbox,
    sampling: { ...resolved.models.sampling, temperature: settings.sampling.temperature },
    seed: settings.seed,
    modes: settings.modes.map(({ mode, options }) => {
      if (options.seed !== settings.seed) {
        // compileEvaluate seeds every mode with the evaluation's seed; anything else is a bug.
        throw new InvalidInputError(`mode ${mode} has seed ${options.seed}, not ${settings.seed}`, {
          field: `modes.${mode}.seed`,
        });
      }
      return {
        mode,
        runs: options.runs,
        // The compiled options as they are: the worker's compileTestTimeOptions reads them back.
        options: JSON.parse(JSON.stringify(options)) as Record<string, unknown>,
      };
    }),
    benchmarks,
    shards: { size, maxFailedShare: settings.maxFailedShardShare },
  };
}

export function evalManifestKey(run: string, round: number, name: string): string {
  return evalFile(run, round, name, 'eval.json');
}

export async function readEvalManifest(
  store: ArtifactStore,
  run: string,
  round: number,
  name: string,
): Promise<EvalManifest | null> {
  const key = evalManifestKey(run, round, name);
  const data = await readIfExists(store, key);
  return data === null ? null : parseEvalManifest(data.toString('utf8'), { source: key });
}

/**
 * The settings that differ between a stored manifest and a new one, as dotted paths (`seed`,
 * `modes.1.runs`, `benchmarks.0.problems`); empty when they are the same evaluation.
 */
export function evalManifestDiff(stored: EvalManifest, wanted: EvalManifest): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys) {
        walk(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          path === '' ? k : `${path}.${k}`,
        );
      }
      return;
    }
    if (a !== b) out.push(path);
  };
  walk(stored, wanted, '');
  return out;
}

/** Writes an evaluation's manifest (atomically; EvalEngine.start checks for one first). */
export async function writeEvalManifest(
  store: ArtifactStore,
  manifest: EvalManifest,
): Promise<void> {
  await store.write(
    evalManifestKey(manifest.run, manifest.round, manifest.name),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
}
