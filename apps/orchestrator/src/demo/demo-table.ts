import type { ModeSummary } from './run-local-search';

const pct = (part: number, whole: number): string =>
  whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;

/** The demo's summary table: one row per search mode. */
export function formatDemoTable(summaries: readonly ModeSummary[]): string {
  const header = [
    'mode',
    'solved',
    'expansions/problem',
    'SFT rows',
    'SFT truly correct',
    'PPM pairs',
    'pairs truly better',
    'seconds',
  ];
  const rows = summaries.map((s) => [
    s.mode,
    pct(s.solved, s.problems),
    s.expansionsPerProblem.toFixed(1),
    String(s.sftRows),
    pct(s.sftTrulyCorrect, s.sftRows),
    String(s.pairs),
    pct(s.pairsTrulyBetter, s.pairs),
    s.seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'SIMULATED: a toy arithmetic world stands in for the policy, PPM and sandbox; "truly" is its',
    'ground truth. These numbers describe the engine on toy problems, never a real model.',
  ].join('\n');
}
