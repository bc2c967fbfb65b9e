import { renderRoundTableMarkdown, type RoundTable } from '@rstar-fleet/evaluation';

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
