import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gradeAnswer } from '@rstar-fleet/grader';
import {
  createExtractor,
  toRecord,
  type PairRow,
  type SearchPorts,
  type SftRow,
} from '@rstar-fleet/mcts';
import { createToyWorld, type ToyWorld } from '@rstar-fleet/mcts/testing';
import type { DemoOptions } from './demo-options';
import { JsonlWriter } from './jsonl-writer';
import { createSearchRunner, DEMO_MODES, type DemoMode } from './search-modes';

/** What one search mode achieved, with the toy world's audit of its datasets. */
export interface ModeSummary {
  mode: DemoMode;
  problems: number;
  solved: number;
  expansionsPerProblem: number;
  sftRows: number;
  /** SFT trajectories the ground truth confirms are correct at every step. */
  sftTrulyCorrect: number;
  pairs: number;
  /** Pairs whose chosen side is on a correct path and rejected side is not. */
  pairsTrulyBetter: number;
  seconds: number;
  dir: string;
}

export interface DemoProgress {
  start(mode: DemoMode, total: number): void;
  advance(solvedSoFar: number): void;
  stop(): void;
}

/**
 * The demo of what exists today: the search engine over an in-process toy world (a scripted
 * policy, PPM and executor — a test instrument, not a model), graded by the real grader. Each
 * mode searches the same problems; records and datasets go to `<out>/<run id>/<mode>/`.
 */
export async function runLocalSearchDemo(
  options: DemoOptions,
  runId: string,
  progress: DemoProgress,
): Promise<ModeSummary[]> {
  const world = createToyWorld({
    seed: options.seed,
    problems: options.problems,
    minSteps: 2,
    maxSteps: 8,
    stepSkill: options.skill,
  });
  // The real grader replaces the toy world's exact-string one: the same port the fleet uses.
  const ports: SearchPorts = { ...world.ports, grader: { equal: gradeAnswer } };
  const summaries: ModeSummary[] = [];
  for (const mode of DEMO_MODES) {
    summaries.push(
      await runMode(mode, world, ports, options, join(options.out, runId, mode), progress),
    );
  }
  return summaries;
}

async function runMode(
  mode: DemoMode,
  world: ToyWorld,
  ports: SearchPorts,
  options: DemoOptions,
  dir: string,
  progress: DemoProgress,
): Promise<ModeSummary> {
  await mkdir(dir, { recursive: true });
  const runner = createSearchRunner(mode, ports, options);
  const extractor = createExtractor();
  const results = new JsonlWriter(join(dir, 'results.jsonl'));
  const sftOut = new JsonlWriter(join(dir, 'sft.jsonl'));
  const pairsOut = new JsonlWriter(join(dir, 'ppm_pairs.jsonl'));
  const summary: ModeSummary = {
    mode,
    problems: world.problems.length,
    solved: 0,
    expansionsPerProblem: 0,
    sftRows: 0,
    sftTrulyCorrect: 0,
    pairs: 0,
    pairsTrulyBetter: 0,
    seconds: 0,
    dir,
  };
  let expansions = 0;
  const started = performance.now();
  progress.start(mode, world.problems.length);
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < world.problems.length) {
        const problem = world.problems[next++];
        if (problem === undefined) return;
        const record = toRecord(
          await runner.search({
            id: problem.id,
            question: problem.question,
            reference: String(problem.answer),
          }),
        );
        const { sft, pairs } = extractor.extract(record);
        await Promise.all([results.write(record), sftOut.write(...sft), pairsOut.write(...pairs)]);
        expansions += record.stats.expansions;
        if (record.stats.solved) summary.solved += 1;
        audit(world, sft, pairs, summary);
        progress.advance(summary.solved);
      }
    };
    await Promise.all(Array.from({ length: options.parallel }, worker));
  } finally {
    progress.stop();
    await Promise.all([results.close(), sftOut.close(), pairsOut.close()]);
  }
  summary.expansionsPerProblem = expansions / world.problems.length;
  summary.seconds = (performance.now() - started) / 1000;
  await writeFile(join(dir, 'stats.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

function audit(world: ToyWorld, sft: SftRow[], pairs: PairRow[], summary: ModeSummary): void {
  for (const row of sft) {
    summary.sftRows += 1;
    if (world.judge(row.problem_id, row.prompt + row.completion).onPath)
      summary.sftTrulyCorrect += 1;
  }
  for (const row of pairs) {
    summary.pairs += 1;
    const chosen = world.judge(row.problem_id, row.prompt + row.chosen).onPath;
    const rejected = world.judge(row.problem_id, row.prompt + row.rejected).onPath;
    if (chosen && !rejected) summary.pairsTrulyBetter += 1;
  }
}
