import { gradeAnswer } from '@rstar-fleet/grader';
import {
  createBeamSearch,
  createExtractor,
  createMcts,
  toRecord,
  type SearchPorts,
  type SearchProblem,
  type SearchResult,
} from '@rstar-fleet/mcts';
import { createToyWorld } from '@rstar-fleet/mcts/testing';
import type { BenchResult } from './bench-result';

interface SearchRunner {
  search(problem: SearchProblem): Promise<SearchResult>;
}

const MODES: Record<string, (ports: SearchPorts) => SearchRunner> = {
  'mcts-terminal': (ports) => createMcts(ports, { rollouts: 16, candidates: 8, qRule: 'terminal' }),
  'mcts-ppm': (ports) => createMcts(ports, { rollouts: 16, candidates: 8, qRule: 'ppm' }),
  // Beam width 4 keeps its expansion budget in the range of MCTS's at 16 rollouts.
  beam: (ports) => createBeamSearch(ports, { candidates: 8, beamWidth: 4 }),
};

/**
 * MCTS (both rStar Q rules) against step-level beam search on the same problems of the toy
 * world (a test instrument, not a model), graded by the real grader: solve rate, expansions
 * spent, and the toy ground truth's audit of the extracted datasets.
 */
export async function benchSearchModes(problems = 200, seed = 0): Promise<BenchResult> {
  const world = createToyWorld({ seed, problems, minSteps: 2, maxSteps: 8, stepSkill: 0.45 });
  const ports: SearchPorts = { ...world.ports, grader: { equal: gradeAnswer } };
  const extractor = createExtractor();
  const metrics: Record<string, number> = {};
  for (const [mode, make] of Object.entries(MODES)) {
    const runner = make(ports);
    let solved = 0;
    let expansions = 0;
    let sftRows = 0;
    let sftTrue = 0;
    let pairs = 0;
    let pairsTrue = 0;
    for (const problem of world.problems) {
      const record = toRecord(
        await runner.search({
          id: problem.id,
          question: problem.question,
          reference: String(problem.answer),
        }),
      );
      const data = extractor.extract(record);
      if (record.stats.solved) solved += 1;
      expansions += record.stats.expansions;
      for (const row of data.sft) {
        sftRows += 1;
        if (world.judge(row.problem_id, row.prompt + row.completion).onPath) sftTrue += 1;
      }
      for (const row of data.pairs) {
        pairs += 1;
        const chosen = world.judge(row.problem_id, row.prompt + row.chosen).onPath;
        const rejected = world.judge(row.problem_id, row.prompt + row.rejected).onPath;
        if (chosen && !rejected) pairsTrue += 1;
      }
    }
    metrics[`${mode}: solved share`] = solved / problems;
    metrics[`${mode}: expansions per problem`] = expansions / problems;
    metrics[`${mode}: SFT rows truly correct share`] = sftRows === 0 ? 0 : sftTrue / sftRows;
    metrics[`${mode}: pairs truly better share`] = pairs === 0 ? 0 : pairsTrue / pairs;
  }
  return {
    name: 'search-modes',
    description:
      'MCTS (terminal / PPM Q rule) vs step-level beam search on the same toy problems, real grader',
    metrics,
    notes: [
      `${problems} toy problems (2-8 steps), toy policy skill 0.45; the toy world is a test double, not a model`,
    ],
  };
}
