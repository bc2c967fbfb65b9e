/**
 * A small hand-written SVG line chart (no chart dependency): stacked panels sharing one title,
 * each with axes, ticks, grid, lines with point markers, and a legend. Output is a pure function
 * of the input (fixed decimals, no ids or clocks), so the same report renders byte-identically.
 */

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** SVG stroke-dasharray, or null for a solid line. */
  readonly dash: string | null;
  /** In data coordinates; y is a percentage (0–100). A single point shows as a marker. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface ChartPanel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Tick positions (data coordinates) and their labels; they also fix the x range. */
  readonly xTicks: readonly { readonly at: number; readonly label: string }[];
  readonly series: readonly ChartSeries[];
}

/** Mode colours (Tableau 10), fixed per mode so every chart colours a mode alike. */
export const PALETTE = [
  '#4e79a7',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#f28e2b',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

const WIDTH = 760;
const PANEL_HEIGHT = 300;
const TITLE_HEIGHT = 48;
const PLOT = { left: 64, right: 240, top: 34, bottom: 52 } as const;
const Y_TICKS = [0, 20, 40, 60, 80, 100];

/** Text and attribute values, escaped for XML. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const n = (v: number): string => v.toFixed(1);

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs}>${escapeXml(content)}</text>`;
}

const LEGEND_ROW = 20;

/** A panel is tall enough for its legend (one row per series beside the plot). */
function panelHeight(panel: ChartPanel): number {
  return Math.max(PANEL_HEIGHT, PLOT.top + 8 + panel.series.length * LEGEND_ROW + PLOT.bottom);
}

function panelSvg(panel: ChartPanel, top: number): string {
  const x0 = PLOT.left;
  const x1 = WIDTH - PLOT.right;
  const y0 = top + panelHeight(panel) - PLOT.bottom;
  const y1 = top + PLOT.top;
  const ats = panel.xTicks.map((t) => t.at);
  let lo = ats.length === 0 ? 0 : Math.min(...ats);
  let hi = ats.length === 0 ? 0 : Math.max(...ats);
  // One tick (a single round, k = 1 only): widen the range so the point sits in the middle.
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const sx = (x: number): number => x0 + ((x - lo) / (hi - lo)) * (x1 - x0);
  const sy = (y: number): number => y0 - (y / 100) * (y0 - y1);
  const parts: string[] = [
    text(x0, top + 20, panel.title, ' font-size="14" font-weight="bold"'),
    `<rect x="${n(x0)}" y="${n(y1)}" width="${n(x1 - x0)}" height="${n(y0 - y1)}" fill="none" stroke="#999"/>`,
  ];
  for (const y of Y_TICKS) {
    parts.push(
      `<line x1="${n(x0)}" y1="${n(sy(y))}" x2="${n(x1)}" y2="${n(sy(y))}" stroke="#e5e5e5"/>`,
      text(x0 - 6, sy(y) + 4, String(y), ' text-anchor="end"'),
    );
  }
  for (const t of panel.xTicks) {
    parts.push(
      `<line x1="${n(sx(t.at))}" y1="${n(y0)}" x2="${n(sx(t.at))}" y2="${n(y0 + 5)}" stroke="#666"/>`,
      text(sx(t.at), y0 + 18, t.label, ' text-anchor="middle"'),
    );
  }
  parts.push(
    text((x0 + x1) / 2, y0 + 40, panel.xLabel, ' text-anchor="middle"'),
    text(
      16,
      (y0 + y1) / 2,
      panel.yLabel,
      ` text-anchor="middle" transform="rotate(-90 16 ${n((y0 + y1) / 2)})"`,
    ),
  );
  panel.series.forEach((s, i) => {
    const dash = s.dash === null ? '' : ` stroke-dasharray="${s.dash}"`;
    const coords = s.points.map((p) => `${n(sx(p.x))},${n(sy(p.y))}`);
    if (coords.length > 1) {
      parts.push(
        `<polyline points="${coords.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`,
      );
    }
    for (const p of s.points) {
      parts.push(`<circle cx="${n(sx(p.x))}" cy="${n(sy(p.y))}" r="3" fill="${s.color}"/>`);
    }
    const ly = y1 + 8 + i * LEGEND_ROW;
    parts.push(
      `<line x1="${n(x1 + 16)}" y1="${n(ly)}" x2="${n(x1 + 44)}" y2="${n(ly)}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      text(x1 + 50, ly + 4, s.label),
    );
  });
  return `<g>\n${parts.join('\n')}\n</g>`;
}

/** The whole chart: a title (and a subtitle line), then the panels stacked. */
export function renderChart(
  title: string,
  subtitle: string,
  panels: readonly ChartPanel[],
): string {
  const tops: number[] = [];
  let height = TITLE_HEIGHT;
  for (const p of panels) {
    tops.push(height);
    height += panelHeight(p);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    text(16, 22, title, ' font-size="16" font-weight="bold"'),
    text(16, 40, subtitle, ' fill="#555"'),
    ...panels.map((p, i) => panelSvg(p, tops[i] as number)),
    '</svg>',
    '',
  ].join('\n');
}
