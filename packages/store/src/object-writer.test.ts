import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSystemStore } from './fs-store';
import { useTempDir } from './testing/temp-dir';

describe('ArtifactStore.openWriter (directory store)', () => {
  const tempDir = useTempDir();
  it('builds an object line by line and shows it only on commit', async () => {
    {
      const dir = tempDir();
      const store = new FileSystemStore(dir);
      const writer = await store.openWriter('runs/r/round-1/sft.jsonl');
      const rows = 30_000;
      for (let i = 0; i < rows; i++)
        await writer.writeLine(JSON.stringify({ i, pad: 'x'.repeat(60) }));
      expect(await store.exists('runs/r/round-1/sft.jsonl')).toBe(false);
      await writer.commit();
      const lines = (await readFile(join(dir, 'runs/r/round-1/sft.jsonl'), 'utf8')).split('\n');
      expect(lines).toHaveLength(rows + 1);
      expect(JSON.parse(lines[rows - 1] ?? '')).toMatchObject({ i: rows - 1 });
      expect(writer.lines).toBe(rows);
      // No temp file is left beside the object.
      expect(await readdir(join(dir, 'runs/r/round-1'))).toEqual(['sft.jsonl']);
    }
  });

  it('abort leaves the previous object untouched and removes the temp file', async () => {
    {
      const dir = tempDir();
      const store = new FileSystemStore(dir);
      await store.write('a/b.jsonl', 'old\n');
      const writer = await store.openWriter('a/b.jsonl');
      await writer.writeLine('new');
      await writer.abort();
      await writer.abort();
      expect((await store.read('a/b.jsonl')).toString()).toBe('old\n');
      expect(await readdir(join(dir, 'a'))).toEqual(['b.jsonl']);
    }
  });

  it('names the key when it cannot open the writer', async () => {
    {
      const dir = tempDir();
      await writeFile(join(dir, 'file'), 'not a directory');
      const store = new FileSystemStore(dir);
      await expect(store.openWriter('file/x.jsonl')).rejects.toThrow(/file\/x\.jsonl/);
    }
  });
});
