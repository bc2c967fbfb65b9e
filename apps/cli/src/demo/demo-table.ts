/** Shares as [part, whole]: SFT steps sound, pairs with a sound chosen / unsound rejected step. */
export interface Shares {
  sftSound: [number, number];
  chosenSound: [number, number];
  rejectedUnsound: [number, number];
}

/** The simulator's audit of a round's datasets, and of the control extraction when it ran. */
export interface AuditColumns {
  data: Shares;
  control: Shares | null;
}

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
  audit: AuditColumns | null;
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
    'SFT steps sound',
    'pairs',
    'chosen sound',
    'rejected unsound',
    'skill before>after',
    'PPM noise before>after',
    'wall',
    'sandbox runs',
  ];
  const rows = rounds.map((r) => {
    const band = (name: Band): string => pct(r.byBand[name].solved, r.byBand[name].problems);
    const audited = (pick: keyof Shares): string => {
      if (r.audit === null) return '-';
      const control = r.audit.control === null ? '' : ` (${pct(...r.audit.control[pick])})`;
      return pct(...r.audit.data[pick]) + control;
    };
    return [
      String(r.round),
      r.search,
      r.policy,
      pct(r.solved, r.problems) + (r.failedShards > 0 ? ` (${r.failedShards} shards failed)` : ''),
      band('easy'),
      band('medium'),
      band('hard'),
      String(r.sftRows),
      audited('sftSound'),
      String(r.pairs),
      audited('chosenSound'),
      audited('rejectedUnsound'),
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
    '"sound": a step computed the right way (a lucky flaw, right value by luck, is not); in ( ) the',
    'control: a random choice among the same candidates instead of the Q ranking. "wall" is search',
    "+ extraction. The round-1 student (r1) is trained on round 1's few solved problems and can",
    "fall below its teacher r0, as the paper's SLM-r1 is below the 236B bootstrap: not a bug.",
  ].join('\n');
}
