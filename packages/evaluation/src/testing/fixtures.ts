import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { isEquivalent } from '@rstar-fleet/grader';
import type { GraderPort } from '@rstar-fleet/mcts';
import { testEvalManifest, type TestEvalMode } from '@rstar-fleet/mcts/testing';
import {
  EVAL_RECORD_VERSION,
  type EvalManifest,
  type EvalRunRecord,
  type TestTimeMode,
} from '@rstar-fleet/protocol';

/** The fleet's grader (as the workers and `solve` build it): tests grade through the real one. */
export const realGrader: GraderPort = { equal: (pred, ref) => isEquivalent(pred, ref) };

export const SEED = 100;

/** A manifest of one benchmark `toy` with `problems` problems and the given modes. */
export function toyManifest(
  problems: number,
  modes: readonly TestEvalMode[],
  overrides: Partial<EvalManifest> = {},
): EvalManifest {
  return {
    ...testEvalManifest(
      {
        run: 'run-1',
        round: 2,
        name: 'toy-eval',
        policy: {
          model: 'policy-r2',
          dialect: 'vllm',
          endpoints: [{ url: 'http://policy:8000', name: 'policy' }],
        },
        ppm: {
          model: 'ppm-r2',
          dialect: 'vllm-classify',
          transform: 'tanh5',
          endpoints: [{ url: 'http://ppm:8000', name: 'ppm' }],
        },
        sandbox: { addresses: ['127.0.0.1:50051'] },
        sampling: { temperature: 1, topP: 1, maxTokens: 2048 },
        seed: SEED,
        benchmarks: [
          { name: 'toy', source: 'toy.jsonl', problems, skipped: 1, firstShard: 0, shards: 1 },
        ],
        shards: { size: 10, maxFailedShare: 0 },
      },
      modes,
    ),
    ...overrides,
  };
}

/** One run's record: `answer` with PPM `score` (null: unscored), default costs. */
export function runRecord(
  mode: TestTimeMode,
  problemId: string,
  reference: string,
  run: number,
  answer: string | null,
  score: number | null,
  extra: Partial<EvalRunRecord> = {},
): EvalRunRecord {
  return {
    v: EVAL_RECORD_VERSION,
    benchmark: 'toy',
    mode,
    problemId,
    reference,
    run,
    seed: SEED + run,
    answer,
    score: answer === null ? null : score,
    nodeId: answer === null ? null : `0.${run}`,
    correct: answer !== null && isEquivalent(answer, reference),
    cost: {
      policyCalls: 3,
      candidates: 6,
      executions: 2,
      ppmCalls: 4,
      ppmScored: 6,
      promptTokens: 100,
      completionTokens: 40,
    },
    wallMs: 1500,
    gpuSeconds: null,
    ...extra,
  };
}

/** The items in a seeded random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const gen = xoroshiro128plus(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = uniformInt(gen, 0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
