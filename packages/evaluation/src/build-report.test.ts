import {
  EvalManifestSchema,
  VersionMismatchError,
  type EvalRunRecord,
} from '@rstar-fleet/protocol';
import { buildEvalReport } from './build-report';
import { DuplicateEvalRunError } from './duplicate-eval-run-error';
import { EvalRecordMismatchError } from './eval-record-mismatch-error';
import { EvalReportSchema, parseEvalReport, type ModeReport } from './report-schema';
import { realGrader, runRecord, shuffled, SEED, toyManifest } from './testing/fixtures';
import { manifest, records } from './testing/hand-worked';

function modeOf(report: { benchmarks: { modes: ModeReport[] }[] }, mode: string): ModeReport {
  const found = report.benchmarks[0]?.modes.find((m) => m.mode === mode);
  if (found === undefined) throw new Error(`no ${mode}`);
  return found;
}

describe('buildEvalReport', () => {
  it('computes accuracy, pass@1 and its SE, and the curves as worked out by hand', async () => {
    expect(EvalManifestSchema.parse(manifest)).toEqual(manifest);
    const report = await buildEvalReport(manifest, records, realGrader);
    const s = modeOf(report, 'system2');
    expect(s.rule).toEqual({ kind: 'two-stage', topK: 4, vote: 'plain' });
    expect(s.accuracy?.value).toBeCloseTo(2 / 3, 12);
    // Run accuracies across problems: 2/3, 1/3, 1/3, 0 → mean 1/3, sd √(2/27), SE √(2/27)/2.
    expect(s.passAt1?.value).toBeCloseTo(1 / 3, 12);
    expect(s.passAt1?.se).toBeCloseTo(Math.sqrt(2 / 27) / 2, 12);
    expect(s.curve.map((p) => p.k)).toEqual([1, 2, 4]);
    expect(s.curve.map((p) => p.problems)).toEqual([3, 3, 3]);
    expect(s.curve.map((p) => p.maj)).toEqual([2 / 3, 1 / 3, 2 / 3]);
    expect(s.curve.map((p) => p.best)).toEqual([2 / 3, 1 / 3, 0]);
    expect(s.curve.map((p) => p.rule)).toEqual([2 / 3, 1 / 3, 2 / 3]);
    expect(s).toMatchObject({ runs: 4, expectedRuns: 12, recordedRuns: 12, complete: true });
    // Every run cost the default: 100 prompt tokens, 3 policy calls, 4 PPM calls, 1.5 s.
    expect(s.cost).toEqual({
      promptTokens: 400,
      completionTokens: 160,
      policyCalls: 12,
      ppmCalls: 16,
      executions: 8,
      wallSeconds: 6,
      gpuSeconds: null,
    });

    const g = modeOf(report, 'greedy');
    expect(g.rule).toEqual({ kind: 'majority' });
    expect(g.accuracy?.value).toBeCloseTo(2 / 3, 12);
    expect(g.passAt1).toEqual({ value: 2 / 3, se: null });
    expect(g.curve).toEqual([{ k: 1, problems: 3, maj: 2 / 3, best: null, rule: 2 / 3 }]);
    expect(g.cost?.promptTokens).toBe(200); // (100 + 400 + 100) / 3
    expect(g.cost?.gpuSeconds).toBe(0.5); // only p1's run reported any

    expect(report).toMatchObject({
      v: 1,
      run: 'run-1',
      round: 2,
      evaluation: 'toy-eval',
      models: { policy: 'policy-r2', ppm: 'ppm-r2' },
      simulated: false,
      complete: true,
      interval: { confidence: 0.95, resamples: 1000, seed: SEED },
    });
    expect(report.benchmarks[0]).toMatchObject({ name: 'toy', problems: 3, skipped: 1 });
    expect(() => EvalReportSchema.parse(report)).not.toThrow();
  });

  it('grades with the grader, not the records’ own flags', async () => {
    const flipped = records.map((r) => ({ ...r, correct: !r.correct }));
    expect(await buildEvalReport(manifest, flipped, realGrader)).toEqual(
      await buildEvalReport(manifest, records, realGrader),
    );
  });

  it('takes a PPM-weighted majority over the top K only', async () => {
    // Top 3 by score: `9` (0.95), `5` (0.3), `5` (0.2); run 3's `5` (0.1) is left out.
    // Plain: `5` has 2 votes → wrong. Weighted: `9` 0.95 against `5` 0.5 → right.
    const answers: [string, number][] = [
      ['5', 0.2],
      ['5', 0.3],
      ['9', 0.95],
      ['5', 0.1],
    ];
    const m = toyManifest(1, [
      { mode: 'system2', runs: 4, selection: { topK: 3, vote: 'weighted' } },
      { mode: 'beam', runs: 4, selection: { topK: 3, vote: 'plain' } },
      { mode: 'best-of-n', runs: 4 },
    ]);
    const rs = (['system2', 'beam', 'best-of-n'] as const).flatMap((mode) =>
      answers.map(([a, s], run) => runRecord(mode, 'q', '9', run, a, s)),
    );
    const report = await buildEvalReport(m, rs, realGrader);
    expect(modeOf(report, 'system2').rule).toEqual({
      kind: 'two-stage',
      topK: 3,
      vote: 'weighted',
    });
    expect(modeOf(report, 'system2').accuracy?.value).toBe(1);
    expect(modeOf(report, 'beam').accuracy?.value).toBe(0);
    expect(modeOf(report, 'best-of-n').accuracy?.value).toBe(1);
    // With all four answers a plain majority is `5` (3 votes): wrong at k = 4.
    expect(modeOf(report, 'beam').curve.at(-1)?.maj).toBe(0);
  });

  it('breaks ties deterministically: equal votes and no scores → the lowest run', async () => {
    const m = toyManifest(2, [{ mode: 'maj', runs: 2 }]);
    const rs = [
      runRecord('maj', 'a', '6', 0, '4', null),
      runRecord('maj', 'a', '6', 1, '6', null),
      runRecord('maj', 'b', '6', 0, '6', null),
      runRecord('maj', 'b', '6', 1, '4', null),
    ];
    for (const seed of [1, 2, 3]) {
      const report = await buildEvalReport(m, shuffled(rs, seed), realGrader);
      expect(modeOf(report, 'maj').accuracy?.value).toBe(0.5); // a → `4` ✗, b → `6` ✓
    }
  });

  it('gives the identical report whatever order the records come in', async () => {
    const expected = JSON.stringify(await buildEvalReport(manifest, records, realGrader));
    for (const seed of [1, 2, 3, 4]) {
      const report = await buildEvalReport(manifest, shuffled(records, seed), realGrader);
      expect(JSON.stringify(report)).toBe(expected);
    }
  });

  it('refuses a run recorded twice, naming its key', async () => {
    const twice = [...records, { ...(records[4] as EvalRunRecord), answer: '7' }];
    const failure = buildEvalReport(manifest, twice, realGrader);
    await expect(failure).rejects.toBeInstanceOf(DuplicateEvalRunError);
    await expect(failure).rejects.toThrow(`toy/system2/p2@${SEED}`);
  });

  it('refuses records of another evaluation', async () => {
    const cases: [Partial<EvalRunRecord>, RegExp][] = [
      [{ benchmark: 'other' }, /benchmark other is not evaluated/],
      [{ mode: 'beam' }, /mode beam is not evaluated/],
      [{ seed: 7 }, /run 1 must use seed 101, not 7/],
      [{ reference: '0.25' }, /differs from its other runs/],
    ];
    for (const [change, message] of cases) {
      const bad = [...records.slice(0, 1), { ...(records[1] as EvalRunRecord), ...change }];
      const failure = buildEvalReport(manifest, [...bad, ...records.slice(2)], realGrader);
      await expect(failure).rejects.toBeInstanceOf(EvalRecordMismatchError);
      await expect(failure).rejects.toThrow(message);
    }
    const extra = runRecord('greedy', 'p4', '1', 0, '1', null);
    await expect(buildEvalReport(manifest, [...records, extra], realGrader)).rejects.toThrow(
      /more than the 3 problems/,
    );
  });

  it('marks a partial evaluation incomplete and counts what it has', async () => {
    // p2 lost run 3 and p3 has no run at all (a failed shard).
    const partial = records.filter(
      (r) => !(r.problemId === 'p2' && r.run === 3) && r.problemId !== 'p3',
    );
    const report = await buildEvalReport(manifest, partial, realGrader);
    const s = modeOf(report, 'system2');
    expect(report.complete).toBe(false);
    expect(s).toMatchObject({
      complete: false,
      recordedRuns: 7,
      expectedRuns: 12,
      problemsScored: 2,
    });
    expect(s.accuracy?.value).toBe(1); // p1 and p2 are both right on what they have
    expect(s.curve.map((p) => p.problems)).toEqual([2, 2, 1]); // k = 4 needs runs 0..3
    expect(modeOf(report, 'greedy')).toMatchObject({ complete: false, recordedRuns: 2 });

    const empty = await buildEvalReport(manifest, [], realGrader);
    expect(modeOf(empty, 'system2')).toMatchObject({
      accuracy: null,
      passAt1: null,
      cost: null,
      problemsScored: 0,
      recordedRuns: 0,
    });
    expect(modeOf(empty, 'system2').curve[0]).toEqual({
      k: 1,
      problems: 0,
      maj: null,
      best: null,
      rule: null,
    });
  });

  it('says simulated when a model is the simulator', async () => {
    const sim = toyManifest(3, [{ mode: 'greedy', runs: 1 }], {
      policy: {
        model: 'model-sim-policy',
        dialect: 'vllm',
        endpoints: [{ url: 'http://sim:8000', name: 'sim' }],
      },
    });
    expect((await buildEvalReport(sim, [], realGrader)).simulated).toBe(true);
    // The names apps/model-sim serves its checkpoints under (checkpoint.ts).
    const served = toyManifest(3, [{ mode: 'greedy', runs: 1 }], {
      policy: {
        model: 'sim-policy-r2',
        dialect: 'vllm',
        endpoints: [{ url: 'http://sim:8000', name: 'sim' }],
      },
    });
    expect((await buildEvalReport(served, [], realGrader)).simulated).toBe(true);
  });

  it('reads a stored report back, and refuses another version', async () => {
    const report = await buildEvalReport(manifest, records, realGrader);
    const text = JSON.stringify(report);
    expect(parseEvalReport(text, { source: 'report.json' })).toEqual(report);
    expect(() =>
      parseEvalReport(text.replace('"v":1', '"v":2'), { source: 'report.json' }),
    ).toThrow(VersionMismatchError);
    expect(() =>
      parseEvalReport(text.replace('"simulated":false', '"simulated":"no"'), { source: 'r.json' }),
    ).toThrow(/r\.json, field simulated/);
  });
});
