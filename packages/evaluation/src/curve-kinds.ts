import type { BenchmarkReport, CurvePoint, ModeReport } from './report-schema';

/** The curves of a mode: its own rule@k, maj@k and best@k. */
export type CurveKind = 'rule' | 'maj' | 'best';

/**
 * The curves worth showing for a mode: its rule always; maj@k unless the rule is the majority
 * already (maj, greedy); best@k when the answers are scored, unless the rule is best-of-n itself.
 */
export function curveKinds(mode: ModeReport): CurveKind[] {
  const kinds: CurveKind[] = ['rule'];
  if (mode.rule.kind !== 'majority') kinds.push('maj');
  if (mode.rule.kind !== 'best-scored' && mode.curve.some((p) => p.best !== null)) {
    kinds.push('best');
  }
  return kinds;
}

/** A curve point's accuracy of one kind. */
export function pointValue(point: CurvePoint, kind: CurveKind): number | null {
  return point[kind];
}

/** `system2`, `system2 maj@k`, `system2 best@k`. */
export function curveLabel(mode: string, kind: CurveKind): string {
  return kind === 'rule' ? mode : `${mode} ${kind}@k`;
}

/** Every k on any of the benchmark's curves, ascending: the columns and ticks of the curves. */
export function benchmarkKs(b: BenchmarkReport): number[] {
  return [...new Set(b.modes.flatMap((m) => m.curve.map((p) => p.k)))].sort((x, y) => x - y);
}
