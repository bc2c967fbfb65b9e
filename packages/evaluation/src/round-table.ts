import { InvalidInputError, TEST_TIME_MODES } from '@rstar-fleet/protocol';
import { z } from 'zod';
import { DuplicateRoundError } from './duplicate-round-error';
import type { EvalReport } from './report-schema';

/**
 * Accuracy round by round (the shape of rStar-Math's Tables 3 and 6): rows are rounds (0 = the
 * starting models), columns benchmark × mode, cells the mode's accuracy with its interval.
 */
export const ROUND_TABLE_VERSION = 1;

const share = z.number().min(0).max(1);

export const RoundTableCellSchema = z.strictObject({
  accuracy: share,
  low: share,
  high: share,
  /** The evaluation behind the cell recorded every run. */
  complete: z.boolean(),
});
export type RoundTableCell = z.infer<typeof RoundTableCellSchema>;

export const RoundTableSchema = z.strictObject({
  v: z.literal(ROUND_TABLE_VERSION),
  columns: z.array(z.strictObject({ benchmark: z.string().min(1), mode: z.enum(TEST_TIME_MODES) })),
  rows: z.array(
    z.strictObject({
      round: z.number().int().min(0),
      policy: z.string().min(1),
      ppm: z.string().min(1).nullable(),
      simulated: z.boolean(),
      /** One per column; null where the round's report has no accuracy for it. */
      cells: z.array(RoundTableCellSchema.nullable()),
    }),
  ),
});
export type RoundTable = z.infer<typeof RoundTableSchema>;
export type RoundTableColumn = RoundTable['columns'][number];

export interface RoundTableEntry {
  readonly round: number;
  readonly report: EvalReport;
}

/**
 * The round-by-round table of the given reports, rows in round order. Columns are every
 * benchmark × mode any report has, in the order they first appear (earliest round first, each
 * report's own order), so the table does not depend on the order of `entries`.
 */
export function roundTable(entries: readonly RoundTableEntry[]): RoundTable {
  const sorted = [...entries].sort((a, b) => a.round - b.round);
  sorted.forEach((e, i) => {
    if (i > 0 && (sorted[i - 1] as RoundTableEntry).round === e.round) {
      throw new DuplicateRoundError(e.round);
    }
    if (e.report.round !== e.round) {
      throw new InvalidInputError(
        `the report of round ${e.round} evaluates round ${e.report.round}'s models`,
        { field: 'round' },
      );
    }
  });
  const columns: RoundTableColumn[] = [];
  const seen = new Set<string>();
  for (const { report } of sorted) {
    for (const b of report.benchmarks) {
      for (const m of b.modes) {
        const key = `${b.name}\u0000${m.mode}`;
        if (seen.has(key)) continue;
        seen.add(key);
        columns.push({ benchmark: b.name, mode: m.mode });
      }
    }
  }
  return {
    v: ROUND_TABLE_VERSION,
    columns,
    rows: sorted.map(({ round, report }) => ({
      round,
      policy: report.models.policy,
      ppm: report.models.ppm,
      simulated: report.simulated,
      cells: columns.map((c) => {
        const mode = report.benchmarks
          .find((b) => b.name === c.benchmark)
          ?.modes.find((m) => m.mode === c.mode);
        if (mode?.accuracy === null || mode?.accuracy === undefined) return null;
        const { value, low, high } = mode.accuracy;
        return { accuracy: value, low, high, complete: mode.complete };
      }),
    })),
  };
}
