import { FileSystemStore } from './fs-store';
import { shardInput } from './layout';
import { readShardProblems } from './shard-input';
import { useTempDir } from './testing/temp-dir';

const problem = (id: string): string =>
  JSON.stringify({ id, problem: `What is ${id}?`, answer: '1', source: 'synth' });

describe('readShardProblems', () => {
  const dir = useTempDir();

  it('reads the problems of a shard file, skipping blank lines', async () => {
    const store = new FileSystemStore(dir());
    const key = shardInput('r', 1, 0);
    await store.write(key, `${problem('a')}\n\n${problem('b')}\n`);
    expect((await readShardProblems(store, key)).map((p) => p.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['{"id": "broken', /shards\/0\.jsonl:2: not valid JSON/],
    [
      '{"id":"c","problem":"x","source":"s"}',
      /shards\/0\.jsonl:2, field answer: not a problem record/,
    ],
    [problem('a'), /shards\/0\.jsonl:2, field id: duplicate problem id a/],
  ])('names file:line of a damaged line (%s)', async (line, message) => {
    const store = new FileSystemStore(dir());
    const key = shardInput('r', 1, 0);
    await store.write(key, `${problem('a')}\n${line}\n`);
    await expect(readShardProblems(store, key)).rejects.toThrow(message);
  });
});
