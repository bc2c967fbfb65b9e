import { TEST_TIME_MODES } from '@rstar-fleet/protocol';
import { benchmarkKs, curveKinds, curveLabel, pointValue, type CurveKind } from './curve-kinds';
import { reportTitle } from './render-markdown';
import type { BenchmarkReport, EvalReport } from './report-schema';
import { PALETTE, renderChart, type ChartPanel, type ChartSeries } from './svg-chart';

const DASH: Record<CurveKind, string | null> = { rule: null, maj: '7 4', best: '2 3' };

/** A mode's colour, the same in every chart. */
export function modeColor(mode: string): string {
  const i = (TEST_TIME_MODES as readonly string[]).indexOf(mode);
  return PALETTE[(i < 0 ? TEST_TIME_MODES.length : i) % PALETTE.length] as string;
}

function benchmarkPanel(b: BenchmarkReport): ChartPanel {
  const ks = benchmarkKs(b);
  const series: ChartSeries[] = b.modes.flatMap((m) =>
    curveKinds(m).map((kind) => ({
      label: curveLabel(m.mode, kind),
      color: modeColor(m.mode),
      dash: DASH[kind],
      points: m.curve.flatMap((p) => {
        const value = pointValue(p, kind);
        return value === null ? [] : [{ x: Math.log2(p.k), y: value * 100 }];
      }),
    })),
  );
  return {
    title: `${b.name} (${b.problems} problems)`,
    xLabel: 'trajectories per problem k (log2 scale)',
    yLabel: 'accuracy (%)',
    xTicks: ks.map((k) => ({ at: Math.log2(k), label: String(k) })),
    series,
  };
}

/**
 * The test-time scaling chart: accuracy against trajectories per problem (log2 k), one panel per
 * benchmark, one line per mode's rule (solid), maj@k (dashed) and best@k (dotted).
 */
export function renderEvalSvg(report: EvalReport): string {
  const simulated = report.simulated ? ' (simulated)' : '';
  const incomplete = report.complete ? '' : ' · incomplete';
  return renderChart(
    `Accuracy vs trajectories per problem${simulated}`,
    `${report.evaluation}: ${reportTitle(report)}${incomplete}`,
    report.benchmarks.map(benchmarkPanel),
  );
}
