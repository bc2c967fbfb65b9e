import { buildEvalReport } from './build-report';
import { renderEvalMarkdown } from './render-markdown';
import { renderEvalSvg } from './render-svg';
import { realGrader, runRecord, toyManifest } from './testing/fixtures';
import { manifest, records } from './testing/hand-worked';
import { xmlProblems } from './testing/xml-check';

describe('renderEvalMarkdown', () => {
  it('shows the report’s numbers per benchmark and mode, with the curves and a legend', async () => {
    const md = renderEvalMarkdown(await buildEvalReport(manifest, records, realGrader));
    const lines = md.split('\n');
    const row = (mode: string): string =>
      lines.find((l) => l.startsWith(`| ${mode} `)) ?? `no row for ${mode}`;
    // system2: accuracy 2/3, pass@1 1/3 ± √(2/27)/2, maj@4 and best@4 from the curve, costs.
    expect(row('system2')).toContain('66.7 [');
    expect(row('system2')).toContain('33.3 ± 13.6');
    expect(row('system2')).toContain('66.7 @4');
    expect(row('system2')).toContain('0.0 @4');
    expect(row('system2')).toContain('400 / 160');
    expect(row('system2')).toContain('12 / 16 / 8');
    expect(row('system2')).toContain('top-4 plain vote');
    expect(row('greedy')).toContain('single run');
    expect(row('greedy')).toContain('0.5'); // GPU-seconds
    expect(md).toContain('## toy');
    expect(md).toContain('3 problems from toy.jsonl, 1 unreadable rows skipped');
    expect(md).toMatch(/\| accuracy % at k +\| +k=1 \| +k=2 \| +k=4 \|/);
    expect(lines.find((l) => l.startsWith('| system2 best@k'))).toMatch(
      /66\.7 \| +33\.3 \| +0\.0 \|/,
    );
    expect(md).toContain('policy policy-r2 + PPM ppm-r2, round 2.');
    expect(md).toContain('percentile bootstrap over problems, 1000 resamples');
    // Columns are padded to one width, so the table reads in a terminal as it is.
    const start = lines.findIndex((l) => l.startsWith('| mode '));
    const table = lines.slice(start, lines.indexOf('', start));
    expect(table).toHaveLength(4);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });

  it('says when the evaluation is incomplete', async () => {
    const md = renderEvalMarkdown(await buildEvalReport(manifest, records.slice(1), realGrader));
    expect(md).toContain('Incomplete');
    expect(md).toContain('11/12');
  });
});

describe('renderEvalSvg', () => {
  it('draws a well-formed chart with every mode, axes and a title', async () => {
    const svg = renderEvalSvg(await buildEvalReport(manifest, records, realGrader));
    expect(xmlProblems(svg)).toEqual([]);
    for (const label of ['system2', 'system2 maj@k', 'system2 best@k', 'greedy']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(svg).toContain('trajectories per problem k (log2 scale)');
    expect(svg).toContain('accuracy (%)');
    expect(svg).toContain('Accuracy vs trajectories per problem</text>');
    expect(svg).toContain('policy policy-r2 + PPM ppm-r2, round 2');
    // Ticks at k = 1, 2, 4 and y = 0…100.
    for (const tick of ['>1</text>', '>2</text>', '>4</text>', '>100</text>']) {
      expect(svg).toContain(tick);
    }
    expect((svg.match(/<polyline /g) ?? []).length).toBe(3); // greedy is a single point
  });

  it('escapes names, says simulated, and is deterministic', async () => {
    const m = toyManifest(1, [{ mode: 'maj', runs: 2 }], {
      policy: {
        model: 'model-sim <r1> & "co"',
        dialect: 'vllm',
        endpoints: [{ url: 'http://sim:8000', name: 'sim' }],
      },
      benchmarks: [
        { name: "a<b>&'c'", source: 'x', problems: 1, skipped: 0, firstShard: 0, shards: 1 },
      ],
    });
    const rs = [0, 1].map((run) => ({
      ...runRecord('maj', 'q', '1', run, '1', null),
      benchmark: "a<b>&'c'",
    }));
    const report = await buildEvalReport(m, rs, realGrader);
    const svg = renderEvalSvg(report);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('(simulated)');
    expect(svg).toContain('model-sim &lt;r1&gt; &amp; &quot;co&quot;');
    expect(svg).toContain('a&lt;b&gt;&amp;&apos;c&apos;');
    expect(renderEvalSvg(report)).toBe(svg);
  });
});
