import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan } from '@rstar-fleet/config';
import { readBenchmark, readCorpus, type ProblemRecord } from '@rstar-fleet/corpus';
import { FileSystemStore, evalFile, evalShardInput, readShardProblems } from '@rstar-fleet/store';
import { readEvalBenchmark, sampleProblems, writeEvalShards } from './eval-ingest';
import { buildEvalManifest } from './eval-manifest';

const problems = (n: number): ProblemRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `p-${i}`,
    problem: `What is ${i} + 1?`,
    answer: String(i + 1),
    source: 't',
  }));

describe('sampleProblems', () => {
  const all = problems(200);
  const ids = (xs: ProblemRecord[]) => xs.map((p) => p.id);

  it('picks the same problems for the same seed, whatever order the rows come in', () => {
    const a = sampleProblems(all, 20, 5);
    expect(a).toHaveLength(20);
    expect(ids(sampleProblems(all, 20, 5))).toEqual(ids(a));
    const reversed = sampleProblems([...all].reverse(), 20, 5);
    expect(new Set(ids(reversed))).toEqual(new Set(ids(a)));
    // Kept in their original order.
    expect(ids(a)).toEqual([...ids(a)].sort((x, y) => Number(x.slice(2)) - Number(y.slice(2))));
  });

  it('draws another sample for another seed; a larger one contains the smaller', () => {
    const a = ids(sampleProblems(all, 20, 5));
    expect(ids(sampleProblems(all, 20, 6))).not.toEqual(a);
    const larger = new Set(ids(sampleProblems(all, 50, 5)));
    expect(a.every((id) => larger.has(id))).toBe(true);
    expect(sampleProblems(all, 500, 5)).toHaveLength(200);
    expect(() => sampleProblems(all, 0, 5)).toThrow(/sample/);
  });
});

describe('readEvalBenchmark and writeEvalShards', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rstar-evali-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves out unreadable rows and rows without an answer, naming file:line', async () => {
    const file = join(dir, 'aime24-test.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 1, problem: 'What is 1 + 1?', answer: '2' }),
        '{"id": 2, "problem": "broken',
        JSON.stringify({ id: 3, problem: 'What is 2 + 2?' }),
        JSON.stringify({ id: 4, problem: 'What is 3 + 3?', answer: 6 }),
        '',
      ].join('\n'),
    );
    const read = await readEvalBenchmark(
      {
        name: 'aime24',
        source: file,
        items: readBenchmark('aime24', { dir, synth: { seed: 1, count: 0 } }),
      },
      { sample: null, seed: 0 },
    );
    expect(read.input).toEqual({ name: 'aime24', source: file, problems: 2, skipped: 2 });
    expect(read.skipped.map((s) => [s.where.split(',')[0], s.reason, s.field])).toEqual([
      [`${file}:2`, 'invalid-json', null],
      // The adapters refuse a row without its answer, naming the line and the field.
      [`${file}:3`, 'missing-field', 'answer'],
    ]);
    expect(read.problems.map((p) => p.answer)).toEqual(['2', '6']);
  });

  it('writes each benchmark into the shards its manifest lays out, and the skipped rows', async () => {
    const store = new FileSystemStore(join(dir, 'store'));
    const plan = parsePlan(
      "corpus: { path: c.jsonl }\ndefaults: { policy: { endpoints: ['http://a:1'], model: m } }\n" +
        'rounds: 1\nevaluate: { benchmarks: [synth-heldout], modes: [greedy], shardSize: 4 }\n',
    );
    if (plan.evaluate === null) throw new Error('no evaluate');
    const synth = await readEvalBenchmark(
      {
        name: 'synth-heldout',
        source: 'synth',
        items: readBenchmark('synth-heldout', { dir, synth: { seed: 1, count: 30 } }),
      },
      { sample: 9, seed: 4 },
    );
    const jsonl = join(dir, 'mine.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ problem: 'What is 5 - 1?', answer: '4' })}\n{oops\n`);
    const mine = await readEvalBenchmark(
      { name: 'mine', source: jsonl, items: readCorpus(jsonl, { adapter: 'auto' }) },
      { sample: null, seed: 4 },
    );
    const manifest = buildEvalManifest({
      plan,
      run: 'r',
      state: null,
      request: { round: 0, settings: plan.evaluate },
      benchmarks: [synth.input, mine.input],
    });
    await writeEvalShards(store, manifest, [synth, mine]);
    const shard = (i: number) => readShardProblems(store, evalShardInput('r', 0, 'eval', i));
    expect((await shard(0)).map((p) => p.id)).toEqual(synth.problems.slice(0, 4).map((p) => p.id));
    expect(await shard(2)).toHaveLength(1);
    expect((await shard(3)).map((p) => p.answer)).toEqual(['4']);
    const skipped = (await store.read(evalFile('r', 0, 'eval', 'skipped.jsonl')))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { benchmark: string; where: string });
    expect(skipped).toEqual([expect.objectContaining({ benchmark: 'mine', where: `${jsonl}:2` })]);
  });
});
