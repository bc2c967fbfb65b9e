import type { RunPlan } from '@rstar-fleet/config';
import {
  compileTestTimeOptions,
  PPM_MODES,
  TEST_TIME_DEFAULTS,
  testTimeOptionsInput,
  type TestTimeMode,
  type TestTimeOptions,
} from '@rstar-fleet/mcts';
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
 * Defaults of an evaluation, applied here and nowhere else (the CLI's help prints them). Greedy
 * and System 2 are the paper's two columns (Tables 3 and 6); System 2 runs TEST_TIME_DEFAULTS'
 * runs (64) unless asked; temperature 1 is rStar's eval sampling (sft_eval_mcts.yaml).
 */
export const EVAL_DEFAULTS = Object.freeze({
  name: 'eval',
  /** The name of an evaluation of models given by URL (not the plan's): kept apart by default. */
  customName: 'custom',
  modes: Object.freeze(['greedy', 'system2'] as const),
  runs: TEST_TIME_DEFAULTS.runs,
  seed: 0,
  temperature: 1,
  /** Problems per eval shard: a shard is (problems × runs of every mode) searches. */
  shardSize: 16,
});

/** Test-time settings an evaluation may set for every mode (the mode, runs and seed are its own). */
export type EvalTestTimeOptions = Pick<
  TestTimeOptions,
  'concurrentRuns' | 'mcts' | 'beam' | 'solutionMaxDepth' | 'selection' | 'protocol'
>;

/** What a caller (the `eval` command, or a round's plan `evaluate:` later) asks for. */
export interface EvalRequest {
  name?: string;
  /** Whose models (see EvalManifest.round); default the newest deployed (testTimeModels). */
  round?: number;
  /**
   * Models given explicitly (`--policy URL [--ppm URL]`) instead of the run's: the evaluation is
   * stored under `round` (default 0) and named `custom` unless named.
   */
  models?: Pick<RoundManifest, 'policy' | 'ppm'>;
  modes?: readonly TestTimeMode[];
  /** Runs per problem of every mode but greedy (which runs once). */
  runs?: number;
  seed?: number;
  temperature?: number;
  testTime?: EvalTestTimeOptions;
  shardSize?: number;
  /** Default: the plan's maxFailedShardShare of the round that searches with the models. */
  maxFailedShare?: number;
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
 * models (testTimeModels, or the request's), every mode's test-time options compiled and written
 * out in full, runs, seed, each benchmark's shard range, shard size. Nothing after it decides an
 * evaluation's settings: the worker reads the manifest.
 */
export function buildEvalManifest(input: EvalManifestInput): EvalManifest {
  const { plan, run, state, request } = input;
  const d = EVAL_DEFAULTS;
  const resolved = testTimeModels(
    plan,
    run,
    state,
    request.models === undefined ? request.round : 0,
  );
  const round = request.models === undefined ? resolved.round : (request.round ?? 0);
  const modes = [...new Set(request.modes ?? d.modes)];
  if (modes.length === 0) throw new InvalidInputError('no mode to evaluate', { field: 'modes' });
  const models = request.models ?? resolved.models;
  const usesPpm = modes.some((m) => PPM_MODES.includes(m));
  if (usesPpm && models.ppm === null) {
    const which = modes.filter((m) => PPM_MODES.includes(m)).join(', ');
    throw new InvalidInputError(`mode(s) ${which} score with a PPM, and the models have none`, {
      field: 'ppm',
    });
  }
  const seed = evalSeed(request);
  const t = request.testTime ?? {};
  const shardSize = request.shardSize ?? d.shardSize;
  if (!Number.isInteger(shardSize) || shardSize < 1) {
    throw new InvalidInputError(`expected an integer ≥ 1, got ${shardSize}`, {
      field: 'shardSize',
    });
  }
  let firstShard = 0;
  const benchmarks = input.benchmarks.map((b): EvalBenchmark => {
    const shards = Math.ceil(b.problems / shardSize);
    const laid = { ...b, firstShard, shards };
    firstShard += shards;
    return laid;
  });
  if (benchmarks.length === 0 || benchmarks.every((b) => b.problems === 0)) {
    throw new InvalidInputError('no problem to evaluate', { field: 'benchmarks' });
  }
  return {
    v: EVAL_MANIFEST_VERSION,
    run,
    round,
    name: request.name ?? (request.models === undefined ? d.name : d.customName),
    policy: models.policy,
    ppm: usesPpm ? models.ppm : null,
    sandbox: resolved.models.sandbox,
    sampling: { ...resolved.models.sampling, temperature: request.temperature ?? d.temperature },
    seed,
    modes: modes.map((mode) => {
      const compiled = compileTestTimeOptions(
        {
          ...t,
          mode,
          runs: request.runs ?? d.runs,
          seed,
          // The plan's rule for failed code steps in the round these models search in.
          mcts: { errorsThreshold: resolved.search.errorsThreshold, ...t.mcts },
          beam: { errorsThreshold: resolved.search.errorsThreshold, ...t.beam },
        },
        `evaluate.${mode}`,
      );
      return {
        mode,
        runs: compiled.runs,
        options: testTimeOptionsInput(compiled) as Record<string, unknown>,
      };
    }),
    benchmarks,
    shards: {
      size: shardSize,
      maxFailedShare: request.maxFailedShare ?? resolved.maxFailedShare,
    },
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

/** The evaluation's base seed (its sample's, and run k's is seed + k). */
export function evalSeed(request: Pick<EvalRequest, 'seed'>): number {
  return request.seed ?? EVAL_DEFAULTS.seed;
}
