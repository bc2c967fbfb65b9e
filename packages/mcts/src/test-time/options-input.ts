import type { CompiledTestTimeOptions, TestTimeOptions } from './options';

/**
 * The compiled options written back as the complete input that compiles to them: every setting
 * spelled out, nothing left to a default. This is the form a resolved evaluation stores (the eval
 * manifest's `options`), so the worker's compileTestTimeOptions reads it back unchanged and a
 * later change of a default cannot change a stored evaluation.
 */
export function testTimeOptionsInput(compiled: CompiledTestTimeOptions): TestTimeOptions {
  const { mcts, beam, solution, selection } = compiled;
  return {
    mode: compiled.mode,
    runs: compiled.runs,
    seed: compiled.seed,
    concurrentRuns: compiled.concurrentRuns,
    mcts: {
      candidates: mcts.candidates,
      rollouts: mcts.rollouts,
      maxDepth: mcts.maxDepth,
      c: mcts.c,
      unvisited: mcts.unvisited,
      concurrency: mcts.concurrency,
      collapseAnswers: mcts.collapseAnswers,
      errorsThreshold: mcts.errorsThreshold,
    },
    beam: {
      candidates: beam.candidates,
      beamWidth: beam.beamWidth,
      maxDepth: beam.maxDepth,
      maxExpansions: beam.maxExpansions,
      collapseAnswers: beam.collapseAnswers,
      errorsThreshold: beam.errorsThreshold,
    },
    solutionMaxDepth: solution.maxDepth,
    selection: { topK: selection.topK, vote: selection.vote },
    protocol: { ...compiled.protocol },
  };
}
