import type { AuditReport } from '@rstar-fleet/model-sim';

export type Band = 'easy' | 'medium' | 'hard';

/** One round as the demo reports it (from stats.json and the hooks' result lines). */
export interface DemoRound {
  round: number;
  /** e.g. `terminal Q, 8x5` or `ppm Q, 16x16 x2 trees, then 64>128`. */
  search: string;
  /** The policy model the round searched with. */
  policy: string;
  problems: number;
  solved: number;
  byBand: Record<Band, { problems: number; solved: number }>;
  sftRows: number;
  pairs: number;
  /** The simulator's audit of the round's datasets (from the train hook), when it ran. */
  audit: AuditReport | null;
  /** Mean policy competence of the checkpoint searched with, and of the one trained. */
  competence: { before: number; after: number | null };
  ppmNoise: { before: number; after: number | null };
  wallSeconds: number | null;
  sandboxExecutions: number;
  failedShards: number;
}

const pct = (part: number, whole: number): string =>
  whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;

const arrow = (before: number, after: number | null, digits: number): string =>
  `${before.toFixed(digits)}>${after === null ? '?' : after.toFixed(digits)}`;

/** The demo's per-round table, with the simulator's audit of every dataset. */
export function formatDemoTable(rounds: readonly DemoRound[]): string {
  const header = [
    'round',
    'search',
    'policy',
    'solved',
    'easy',
    'medium',
    'hard',
    'SFT rows',
    'SFT steps truly correct',
    'pairs',
    'pairs truly better',
    'skill before>after',
    'PPM noise before>after',
    'wall',
    'sandbox runs',
  ];
  const rows = rounds.map((r) => {
    const band = (name: Band): string => pct(r.byBand[name].solved, r.byBand[name].problems);
    const decided =
      r.audit === null ? 0 : r.audit.pairs.chosenBetter + r.audit.pairs.rejectedBetter;
    return [
      String(r.round),
      r.search,
      r.policy,
      pct(r.solved, r.problems) + (r.failedShards > 0 ? ` (${r.failedShards} shards failed)` : ''),
      band('easy'),
      band('medium'),
      band('hard'),
      String(r.sftRows),
      r.audit === null ? '-' : pct(r.audit.sft.correctSteps, r.audit.sft.steps),
      String(r.pairs),
      r.audit === null ? '-' : pct(r.audit.pairs.chosenBetter, decided),
      arrow(r.competence.before, r.competence.after, 3),
      arrow(r.ppmNoise.before, r.ppmNoise.after, 2),
      r.wallSeconds === null ? '-' : `${r.wallSeconds.toFixed(0)} s`,
      String(r.sandboxExecutions),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'SIMULATED: the policy and PPM are apps/model-sim (not models); code steps ran in the gRPC',
    'sandbox; "truly" is the simulator\'s ground truth. The paper (Table 2, 747k problems) reports',
    '60.2% > 66.6% > 77.9% > 90.3% solved; these numbers describe the simulator, never a model.',
    '"pairs truly better" counts the pairs whose truth is decidable; "wall" is search + extraction.',
  ].join('\n');
}
