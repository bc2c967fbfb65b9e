import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, NotFoundError } from '@rstar-fleet/protocol';
import { FileSystemStore } from './fs-store';
import { useTempDir } from './testing/temp-dir';

describe('FileSystemStore', () => {
  const dir = useTempDir();

  it('writes, reads, lists, checks and deletes objects', async () => {
    const store = new FileSystemStore(dir());
    await store.write('runs/a/plan.yaml', 'rounds: 4\n');
    await store.write('runs/a/round-0/stats.json', '{}');
    await store.write('runs/ab/plan.yaml', 'x');
    expect((await store.read('runs/a/plan.yaml')).toString()).toBe('rounds: 4\n');
    expect(await store.list('runs/a')).toEqual(['runs/a/plan.yaml', 'runs/a/round-0/stats.json']);
    expect(await store.list('runs/a/')).toEqual(await store.list('runs/a'));
    expect(await store.list('')).toHaveLength(3);
    expect(await store.list('runs/a/plan.yaml')).toEqual(['runs/a/plan.yaml']);
    expect(await store.list('runs/none')).toEqual([]);
    expect(await store.exists('runs/a/plan.yaml')).toBe(true);
    expect(await store.exists('runs/a')).toBe(false);
    await store.delete('runs/a/plan.yaml');
    await store.delete('runs/a/plan.yaml');
    expect(await store.exists('runs/a/plan.yaml')).toBe(false);
    await expect(store.read('runs/a/plan.yaml')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('replaces objects atomically and leaves no temp files', async () => {
    const store = new FileSystemStore(dir());
    const old = 'a'.repeat(4 << 20);
    const next = 'b'.repeat(4 << 20);
    await store.write('obj', old);
    const reads: string[] = [];
    const reader = (async () => {
      for (let i = 0; i < 20; i += 1) reads.push((await store.read('obj')).toString());
    })();
    for (let i = 0; i < 5; i += 1) await store.write('obj', i % 2 === 0 ? next : old);
    await reader;
    for (const r of reads) expect(r === old || r === next).toBe(true);
    expect(await readdir(dir())).toEqual(['obj']);
  });

  it('hides internal dot-files from listings', async () => {
    const store = new FileSystemStore(dir());
    await store.write('runs/a/x.jsonl', '');
    await writeFile(join(dir(), 'runs/a/.x.jsonl.tmp-1-ab'), 'partial');
    await writeFile(join(dir(), 'runs/a/.x.jsonl.lock'), '{}');
    expect(await store.list('runs')).toEqual(['runs/a/x.jsonl']);
  });

  it('streams lines, flagging an unterminated last line', async () => {
    const store = new FileSystemStore(dir());
    const big = 'y'.repeat(3 << 20);
    await store.write('f.jsonl', `one\n${big}\n\nlast`);
    const lines = [];
    for await (const l of store.lines('f.jsonl')) lines.push(l);
    expect(lines.map((l) => [l.text.length, l.line, l.terminated])).toEqual([
      [3, 1, true],
      [big.length, 2, true],
      [0, 3, true],
      [4, 4, false],
    ]);
    await expect(async () => {
      for await (const _ of store.lines('missing.jsonl')) break;
    }).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects keys that escape the root before touching the disk', async () => {
    const store = new FileSystemStore(dir());
    await expect(store.write('../outside', 'x')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.read('/etc/passwd')).rejects.toThrow(/field key/);
    await expect(store.list('../')).rejects.toThrow(/field prefix/);
    expect(await readdir(join(dir(), '..'))).not.toContain('outside');
  });
});
