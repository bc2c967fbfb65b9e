import { benchmarkKs, curveKinds, curveLabel, pointValue } from './curve-kinds';
import { MISSING, percent, quantity, ruleLabel } from './format';
import { markdownTable } from './markdown-table';
import type { BenchmarkReport, EvalReport, ModeReport } from './report-schema';

/** The report's heading lines: which models, which round, and what the numbers are not. */
export function reportTitle(report: EvalReport): string {
  const ppm = report.models.ppm === null ? '' : ` + PPM ${report.models.ppm}`;
  const round = report.round === 0 ? 'starting models' : `round ${report.round}`;
  const simulated = report.simulated ? ' (simulated)' : '';
  return `policy ${report.models.policy}${ppm}, ${round}${simulated}`;
}

function accuracyCell(m: ModeReport): string {
  if (m.accuracy === null) return MISSING;
  const { value, low, high } = m.accuracy;
  return `${percent(value)} [${percent(low)}, ${percent(high)}]`;
}

function passCell(m: ModeReport): string {
  if (m.passAt1 === null) return MISSING;
  const se = m.passAt1.se === null ? '' : ` ± ${percent(m.passAt1.se)}`;
  return `${percent(m.passAt1.value)}${se}`;
}

/** A curve's value at the mode's largest k, with that k (`71.3 @64`). */
function atMaxK(m: ModeReport, kind: 'maj' | 'best'): string {
  const last = m.curve[m.curve.length - 1];
  const value = last === undefined ? null : last[kind];
  return value === null || last === undefined ? MISSING : `${percent(value)} @${last.k}`;
}

function summaryTable(b: BenchmarkReport, conf: string): string {
  const rows = b.modes.map((m) => [
    m.mode,
    ruleLabel(m.rule, m.runs),
    accuracyCell(m),
    passCell(m),
    String(m.runs),
    atMaxK(m, 'maj'),
    atMaxK(m, 'best'),
    m.cost === null
      ? MISSING
      : `${quantity(m.cost.promptTokens)} / ${quantity(m.cost.completionTokens)}`,
    m.cost === null
      ? MISSING
      : `${quantity(m.cost.policyCalls)} / ${quantity(m.cost.ppmCalls)} / ${quantity(m.cost.executions)}`,
    m.cost === null ? MISSING : quantity(m.cost.wallSeconds),
    quantity(m.cost?.gpuSeconds ?? null),
    m.complete ? 'yes' : `${m.recordedRuns}/${m.expectedRuns}`,
  ]);
  return markdownTable(
    [
      'mode',
      'answer',
      `accuracy [${conf} CI]`,
      'pass@1 ± SE',
      'runs',
      'maj@k',
      'best@k',
      'tokens in / out',
      'calls policy / PPM / exec',
      'wall s',
      'GPU s',
      'complete',
    ],
    rows,
    [
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ],
  );
}

function curveTable(b: BenchmarkReport): string {
  const ks = benchmarkKs(b);
  const rows = b.modes.flatMap((m) =>
    curveKinds(m).map((kind) => [
      curveLabel(m.mode, kind),
      ...ks.map((k) => {
        const point = m.curve.find((p) => p.k === k);
        return point === undefined ? '' : percent(pointValue(point, kind));
      }),
    ]),
  );
  return markdownTable(['accuracy % at k', ...ks.map((k) => `k=${k}`)], rows, [
    'left',
    ...ks.map(() => 'right' as const),
  ]);
}

function benchmarkSection(b: BenchmarkReport, conf: string): string {
  const skipped = b.skipped === 0 ? '' : `, ${b.skipped} unreadable rows skipped`;
  return [
    `## ${b.name}`,
    '',
    `${b.problems} problems from ${b.source}${skipped}.`,
    '',
    summaryTable(b, conf),
    '',
    'Test-time scaling (accuracy % over the first k runs of each problem):',
    '',
    curveTable(b),
  ].join('\n');
}

/**
 * The report as Markdown: per benchmark a table of its modes and a table of its scaling curves,
 * then a one-line legend. Padded columns, so it reads in a terminal too.
 */
export function renderEvalMarkdown(report: EvalReport): string {
  const { confidence, resamples } = report.interval;
  const conf = `${Math.round(confidence * 100)}%`;
  const status = report.complete ? '' : ' **Incomplete: some runs are not recorded yet.**';
  return [
    `# Evaluation ${report.evaluation} of run ${report.run}`,
    '',
    `${reportTitle(report)}.${status}`,
    '',
    ...report.benchmarks.map((b) => `${benchmarkSection(b, conf)}\n`),
    `Accuracy: the mode's final answer per problem, [${conf} percentile bootstrap over problems, ` +
      `${resamples} resamples]; pass@1: mean per-run correctness ± SE over seeds; maj@k / best@k: ` +
      `majority / highest-PPM answer of the first k runs; tokens, calls and seconds: mean per ` +
      `problem over all its runs.`,
    '',
  ].join('\n');
}
