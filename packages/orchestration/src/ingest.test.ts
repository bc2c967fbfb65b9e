import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan } from '@rstar-fleet/config';
import { EmptyCorpusError } from '@rstar-fleet/corpus';
import { FileSystemStore, shardInput } from '@rstar-fleet/store';
import { ingestCorpus, readShardProblems, reshardRound } from './ingest';
import { rejectsKey } from './run-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rstar-ingest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function plan(corpus: string, shardSize: number) {
  return parsePlan(
    `corpus: { path: ${corpus} }\ndefaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: m }, shardSize: ${shardSize} }\nrounds: 2\n`,
  );
}

describe('ingest', () => {
  it('shards valid problems in corpus order and records every reject and duplicate with its place', async () => {
    const rows = [
      { id: 'a', problem: 'What is 1+1?', answer: '2' },
      'not json',
      { id: 'b', problem: 'What is 2+2?', answer: '4' },
      { id: 'c', problem: 'What is 3+3?' },
      { id: 'd', problem: 'What is 2+2?', answer: '4' },
      { id: 'e', problem: 'What is 4+4?', answer: '8' },
      { id: 'f', problem: 'What is 5+5?', answer: '10' },
    ];
    const corpus = join(dir, 'c.jsonl');
    writeFileSync(
      corpus,
      rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n',
    );
    const store = new FileSystemStore(join(dir, 'store'));
    const seen: number[] = [];
    const { summary } = await ingestCorpus(store, plan(corpus, 2), 'r1', (p) =>
      seen.push(p.records),
    );
    expect(summary).toMatchObject({
      problems: 4,
      shards: 2,
      shardSize: 2,
      rejects: 2,
      duplicates: 1,
    });
    expect(Object.values(summary.rejectsByReason).reduce((a, b) => a + b, 0)).toBe(2);
    expect(seen.at(-1)).toBe(4);
    const shard0 = await readShardProblems(store, shardInput('r1', 1, 0));
    const shard1 = await readShardProblems(store, shardInput('r1', 1, 1));
    expect([...shard0, ...shard1].map((p) => p.problem)).toEqual([
      'What is 1+1?',
      'What is 2+2?',
      'What is 4+4?',
      'What is 5+5?',
    ]);
    const rejects = (await store.read(rejectsKey('r1')))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason: string; where: string });
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'invalid-json'],
      [4, expect.any(String)],
      [5, 'duplicate-problem'],
    ]);
    expect(rejects[0]?.where).toBe(`${corpus}:2`);

    // A later round re-shards the same problems with its own shard size.
    expect(await reshardRound(store, 'r1', 2, 2, 3)).toEqual({ shards: 2, problems: 4 });
    expect(await readShardProblems(store, shardInput('r1', 2, 1))).toHaveLength(1);
  });

  it.each([
    ['a JSON array', JSON.stringify([{ problem: 'What is 1+1?', answer: '2' }]), true],
    ['nothing but bad lines', 'nope\n{"problem": "x", "answer": ""}\n', false],
  ])('stops with an error naming the file when the corpus is %s', async (_, content, array) => {
    const corpus = join(dir, 'c.jsonl');
    writeFileSync(corpus, content);
    const store = new FileSystemStore(join(dir, 'store'));
    const ingest = ingestCorpus(store, plan(corpus, 2), 'r1');
    await expect(ingest).rejects.toThrow(EmptyCorpusError);
    await expect(ingestCorpus(store, plan(corpus, 2), 'r1')).rejects.toThrow(
      `${corpus}: corpus has no valid problems`,
    );
    const message = await ingestCorpus(store, plan(corpus, 2), 'r1').then(
      () => 'ingested',
      (err: Error) => err.message,
    );
    expect(message.includes('a JSON array, not JSONL')).toBe(array);
    expect(await store.exists(shardInput('r1', 1, 0))).toBe(false);
    // The rejects are written all the same: they say which lines failed and why.
    expect((await store.read(rejectsKey('r1'))).toString()).toContain(`"file":"${corpus}"`);
  });
});
