import type { RoundTable } from '@rstar-fleet/evaluation';
// The renderer alone: the package's index loads the report code (and the search engine with it).
import { renderRoundTableMarkdown } from '@rstar-fleet/evaluation/render-round-table';
import type { FleetObserver } from '@rstar-fleet/orchestration';
import type { DemoProgress } from './demo-progress';

/**
 * The demo's evaluation table (the run's eval-table.md): a row per round's models, 0 = the
 * starting checkpoint, greedy and System 2 on the held-out synthetic problems. Printed apart
 * from the per-round search table (demo-table.ts), under a one-line legend saying what it is.
 */
export function formatDemoEvalTable(table: RoundTable): string {
  const benchmarks = [...new Set(table.columns.map((c) => c.benchmark))].join(', ');
  return [
    `Evaluation by round on ${benchmarks} (SIMULATED models, apps/model-sim): accuracy of each ` +
      "round's deployed models, greedy = policy alone, system2 = policy + PPM (MCTS, vote).",
    renderRoundTableMarkdown(table).trimEnd(),
  ].join('\n');
}

/**
 * The demo's progress observer with a line when a round starts evaluating and one per report
 * (accuracy by benchmark and mode); the progress display itself is demo-progress.ts's.
 */
export function withEvalNotes(progress: DemoProgress): FleetObserver {
  return {
    ...progress,
    roundStatus(round, status) {
      progress.roundStatus?.(round, status);
      if (status === 'evaluating') progress.note(`  round ${round}: evaluating its models`);
    },
    evalReported(e) {
      progress.evalReported?.(e);
      const cells = e.accuracy.map(
        (a) =>
          `${a.benchmark} ${a.mode} ${a.accuracy === null ? '-' : `${(100 * a.accuracy).toFixed(1)}%`}`,
      );
      progress.note(`  evaluated round ${e.round}'s models: ${cells.join(', ')}`);
    },
  };
}
