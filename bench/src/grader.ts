import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gradeAnswer, normalizeLatex } from '@rstar-fleet/grader';
import type { BenchResult } from './bench-result';

/**
 * Grader throughput: calls per second over a realistic mix — the 800 full model responses of
 * the agreement set graded against their references, plus the hand-labelled hard pairs and a few
 * adversarial inputs. The same-run baseline is the cheapest possible grader on the same mix
 * (extract the last box by regex, normalise, compare strings), so the ratio says what exact
 * mathematics costs on top of string matching.
 */
export interface GraderBenchOptions {
  /** Timed passes over the mix (the best one is reported). Default 5. */
  repeats?: number;
  /** Path of the agreement set; default `shared/data/grader/qwen25-math-cot-100.jsonl`. */
  responsesPath?: string;
  /** Path of the labelled pairs; default the grader's fixture. */
  pairsPath?: string;
}

interface Pair {
  pred: string;
  ref: string;
}

const ADVERSARIAL: Pair[] = [
  { pred: '10^{10^{10}}', ref: '10^{10^{10}}+1' },
  { pred: '\\frac{1}{2004!}', ref: '\\frac{1}{2003!}' },
  { pred: Array.from({ length: 200 }, (_, i) => `\\sqrt{${i + 2}}`).join('+'), ref: '1' },
  { pred: '(x+1)^{50}', ref: '(x+1)^{50}+1' },
  { pred: '!!!@#$%^&*(){}[]', ref: '5' },
];

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function loadMix(options: GraderBenchOptions): { responses: Pair[]; hard: Pair[] } {
  const root = join(__dirname, '..', '..');
  const responsesPath =
    options.responsesPath ??
    join(root, '..', 'shared', 'data', 'grader', 'qwen25-math-cot-100.jsonl');
  const pairsPath =
    options.pairsPath ??
    join(root, 'packages', 'grader', 'src', '__fixtures__', 'labelled-pairs.jsonl');
  const responses = readJsonl<{ gt: string; code: string[] }>(responsesPath).flatMap((row) =>
    row.code.map((pred) => ({ pred, ref: row.gt })),
  );
  const hard = [...readJsonl<Pair>(pairsPath), ...ADVERSARIAL];
  return { responses, hard };
}

function baseline(pred: string, ref: string): boolean {
  const boxes = pred.match(/\\boxed\{([^{}]*)\}/g);
  const last = boxes?.[boxes.length - 1]?.slice(7, -1) ?? pred;
  return normalizeLatex(last) === normalizeLatex(ref);
}

function bestRate(
  pairs: Pair[],
  grade: (p: string, r: string) => boolean,
  repeats: number,
): number {
  let best = 0;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    for (const { pred, ref } of pairs) grade(pred, ref);
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, pairs.length / seconds);
  }
  return best;
}

export async function runGraderBench(options: GraderBenchOptions = {}): Promise<BenchResult> {
  const repeats = options.repeats ?? 5;
  const { responses, hard } = loadMix(options);
  const mix = [...responses, ...hard];
  // Warm-up: JIT and decimal.js constant caches.
  for (const { pred, ref } of mix) gradeAnswer(pred, ref);
  await Promise.resolve();
  const responsesRate = bestRate(responses, gradeAnswer, repeats);
  const hardRate = bestRate(hard, gradeAnswer, repeats);
  const mixRate = bestRate(mix, gradeAnswer, repeats);
  const baselineRate = bestRate(mix, baseline, repeats);
  let slowest = 0;
  for (const { pred, ref } of mix) {
    const start = performance.now();
    gradeAnswer(pred, ref);
    slowest = Math.max(slowest, performance.now() - start);
  }
  return {
    name: 'grader-throughput',
    description:
      'gradeAnswer calls per second (extraction + exact equivalence), against a string-matching baseline on the same mix',
    metrics: {
      'responses calls/s': Math.round(responsesRate),
      'hard pairs calls/s': Math.round(hardRate),
      'mix calls/s': Math.round(mixRate),
      'baseline (string match) calls/s': Math.round(baselineRate),
      'cost vs baseline (x)': baselineRate / mixRate,
      'slowest call ms': slowest,
    },
    notes: [
      `${responses.length} real responses, ${hard.length} hard/adversarial pairs, best of ${repeats} passes`,
      'single thread; slowest call is bounded by the grader work budget',
    ],
  };
}
