import { InvalidInputError } from '@rstar-fleet/protocol';
import { buildEvalReport } from './build-report';
import { DuplicateRoundError } from './duplicate-round-error';
import type { EvalReport } from './report-schema';
import { renderRoundTableMarkdown, renderRoundTableSvg } from './render-round-table';
import { roundTable, RoundTableSchema } from './round-table';
import { realGrader, runRecord, toyManifest } from './testing/fixtures';
import { xmlProblems } from './testing/xml-check';

/** A report of `round` where greedy answers `right` of 4 problems correctly (system2 all). */
async function reportOf(round: number, right: number, withSystem2 = true): Promise<EvalReport> {
  const modes = [
    { mode: 'greedy' as const, runs: 1 },
    ...(withSystem2 ? [{ mode: 'system2' as const, runs: 2 }] : []),
  ];
  const m = toyManifest(4, modes, {
    round,
    policy: {
      model: `model-sim-r${round}`,
      dialect: 'vllm',
      endpoints: [{ url: 'http://sim:8000', name: 'sim' }],
    },
  });
  const ids = ['a', 'b', 'c', 'd'];
  const rs = ids.map((id, i) => runRecord('greedy', id, '1', 0, i < right ? '1' : '2', null));
  if (withSystem2) {
    rs.push(
      ...ids.flatMap((id) => [0, 1].map((run) => runRecord('system2', id, '1', run, '1', 0.9))),
    );
  }
  return buildEvalReport(m, rs, realGrader);
}

describe('roundTable', () => {
  it('puts rounds in order, one column per benchmark × mode, whatever the entries’ order', async () => {
    const entries = [
      { round: 2, report: await reportOf(2, 3) },
      { round: 0, report: await reportOf(0, 1, false) },
      { round: 1, report: await reportOf(1, 2) },
    ];
    const table = roundTable(entries);
    expect(RoundTableSchema.parse(table)).toEqual(table);
    expect(table.columns).toEqual([
      { benchmark: 'toy', mode: 'greedy' },
      { benchmark: 'toy', mode: 'system2' },
    ]);
    expect(table.rows.map((r) => r.round)).toEqual([0, 1, 2]);
    expect(table.rows.map((r) => r.cells[0]?.accuracy)).toEqual([0.25, 0.5, 0.75]);
    expect(table.rows.map((r) => r.cells[1]?.accuracy ?? null)).toEqual([null, 1, 1]);
    expect(table.rows[1]).toMatchObject({ policy: 'model-sim-r1', ppm: 'ppm-r2', simulated: true });
    expect(roundTable([...entries].reverse())).toEqual(table);

    const md = renderRoundTableMarkdown(table);
    expect(md).toMatch(/\| round +\| policy +\| PPM +\| +toy greedy \| +toy system2 \|/);
    expect(md).toMatch(
      /\| 0 \(start\) +\| model-sim-r0 +\| ppm-r2 +\| +25\.0 \[[\d.]+, [\d.]+\] \| +— \|/,
    );
    expect(md).toMatch(
      /\| 2 +\| model-sim-r2 +\| ppm-r2 +\| +75\.0 \[[\d.]+, [\d.]+\] \| +100\.0 \[100\.0, 100\.0\] \|/,
    );
    expect(md).toContain('simulator');

    const svg = renderRoundTableSvg(table);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('>toy greedy</text>');
    expect(svg).toContain('>toy system2</text>');
    expect(svg).toContain('Accuracy by round (simulated)');
    expect(svg).toContain('>round</text>');
  });

  it('refuses two reports for one round, and a report of another round', async () => {
    const r1 = await reportOf(1, 2);
    expect(() =>
      roundTable([
        { round: 1, report: r1 },
        { round: 1, report: r1 },
      ]),
    ).toThrow(DuplicateRoundError);
    expect(() => roundTable([{ round: 3, report: r1 }])).toThrow(InvalidInputError);
  });

  it('renders an empty table', () => {
    const table = roundTable([]);
    expect(table).toEqual({ v: 1, columns: [], rows: [] });
    expect(xmlProblems(renderRoundTableSvg(table))).toEqual([]);
    expect(renderRoundTableMarkdown(table)).toContain('| round');
  });
});
