import { MISSING, percent } from './format';
import { markdownTable } from './markdown-table';
import { modeColor } from './render-svg';
import type { RoundTable, RoundTableCell } from './round-table';
import { PALETTE, renderChart, type ChartSeries } from './svg-chart';

function cellText(cell: RoundTableCell | null): string {
  if (cell === null) return MISSING;
  const mark = cell.complete ? '' : '*';
  return `${percent(cell.accuracy)}${mark} [${percent(cell.low)}, ${percent(cell.high)}]`;
}

/** The round table as Markdown: a row per round, a column per benchmark × mode, and a legend. */
export function renderRoundTableMarkdown(table: RoundTable): string {
  const header = [
    'round',
    'policy',
    'PPM',
    ...table.columns.map((c) => `${c.benchmark} ${c.mode}`),
  ];
  const rows = table.rows.map((r) => [
    r.round === 0 ? '0 (start)' : String(r.round),
    r.policy,
    r.ppm ?? MISSING,
    ...r.cells.map(cellText),
  ]);
  const simulated = table.rows.some((r) => r.simulated)
    ? ' Models named sim-policy-*, sim-ppm-* are the simulator (apps/model-sim), not a model.'
    : '';
  return [
    markdownTable(header, rows, [
      'left',
      'left',
      'left',
      ...table.columns.map(() => 'right' as const),
    ]),
    '',
    `Accuracy % of each round's models [bootstrap interval]; * = evaluation incomplete.${simulated}`,
    '',
  ].join('\n');
}

/** Accuracy against round, one line per benchmark × mode (colour by benchmark, dash by mode). */
export function renderRoundTableSvg(table: RoundTable): string {
  const benchmarks = [...new Set(table.columns.map((c) => c.benchmark))];
  const modes = [...new Set(table.columns.map((c) => c.mode))];
  const series: ChartSeries[] = table.columns.map((c, i) => ({
    label: `${c.benchmark} ${c.mode}`,
    // One benchmark: colour by mode, as the scaling chart does; several: by benchmark.
    color:
      benchmarks.length === 1
        ? modeColor(c.mode)
        : (PALETTE[benchmarks.indexOf(c.benchmark) % PALETTE.length] as string),
    dash:
      benchmarks.length === 1
        ? null
        : ([null, '7 4', '2 3', '10 3 2 3'][modes.indexOf(c.mode) % 4] ?? null),
    points: table.rows.flatMap((r) => {
      const cell = r.cells[i];
      return cell === null || cell === undefined ? [] : [{ x: r.round, y: cell.accuracy * 100 }];
    }),
  }));
  const simulated = table.rows.some((r) => r.simulated) ? ' (simulated)' : '';
  const last = table.rows[table.rows.length - 1];
  const models =
    last === undefined
      ? 'no rounds'
      : `last: policy ${last.policy}${last.ppm === null ? '' : ` + PPM ${last.ppm}`}`;
  return renderChart(`Accuracy by round${simulated}`, models, [
    {
      title: 'round 0 = starting models',
      xLabel: 'round',
      yLabel: 'accuracy (%)',
      xTicks: table.rows.map((r) => ({ at: r.round, label: String(r.round) })),
      series,
    },
  ]);
}
