import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSystemStore } from './fs-store';
import { useTempDir } from './testing/temp-dir';

const REGISTER = join(__dirname, 'testing', 'register-ts.cjs');
const CHILD = join(__dirname, 'testing', 'write-child.ts');
const SIZE = 4 << 20;
const KEY = 'runs/w/round-0/stats.json';

/** Starts the rewriting child and SIGKILLs it `jitterMs` after its `after`-th write. */
async function killMidWrite(root: string, after: number, jitterMs: number): Promise<void> {
  const child = spawn(process.execPath, ['-r', REGISTER, CHILD, root, String(SIZE)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let seen = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const before = seen;
    seen += chunk.split('wrote ').length - 1;
    if (before < after && seen >= after) setTimeout(() => child.kill('SIGKILL'), jitterMs);
  });
  const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  expect(signal).toBe('SIGKILL');
}

describe('atomic write under SIGKILL', () => {
  const dir = useTempDir();

  it('always leaves one whole version, and no visible temp file', async () => {
    const store = new FileSystemStore(dir());
    for (let round = 0; round < 6; round += 1) {
      await killMidWrite(dir(), 1 + (round % 3), (round * 5) % 13);
      const text = await readFile(store.pathOf(KEY), 'utf8');
      expect(text.length).toBe(SIZE);
      expect(text === 'a'.repeat(SIZE) || text === 'b'.repeat(SIZE)).toBe(true);
      expect(await store.list('')).toEqual([KEY]);
    }
  }, 120_000);
});
