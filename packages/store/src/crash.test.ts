import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSystemStore } from './fs-store';
import { shardResults } from './layout';
import { openShardResults, searchRecordCodec } from './shard-results';
import { searchRecordFor } from './testing/records';
import { useTempDir } from './testing/temp-dir';

const REGISTER = join(__dirname, 'testing', 'register-ts.cjs');
const CHILD = join(__dirname, 'testing', 'append-child.ts');
const PROBLEMS = 80;
/** Records of ~0.5–1.5 MB: each write and fsync takes long enough for kills to land inside. */
const PADDING = 1 << 19;

interface ChildRun {
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs the appending child. With `kill`, SIGKILLs it `jitterMs` after it has reported `after`
 * written records, so every kill lands mid-stream (between, inside, or during the fsync of an
 * append) rather than after the child has finished.
 */
async function runChild(
  root: string,
  kill?: { after: number; jitterMs: number },
): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    ['-r', REGISTER, CHILD, root, String(PROBLEMS), String(PADDING)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  let armed = kill !== undefined;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    if (armed && kill !== undefined && stdout.split('written ').length - 1 >= kill.after) {
      armed = false;
      setTimeout(() => child.kill('SIGKILL'), kill.jitterMs);
    }
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { stdout, code, signal };
}

/** Checks the file as a reader would: complete lines parse, no id twice; returns the ids. */
async function checkFile(path: string): Promise<{ ids: string[]; torn: boolean }> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const parts = text.split('\n');
  const tail = parts.pop();
  const ids = parts.map((l, i) =>
    searchRecordCodec.id(searchRecordCodec.parse(l, { source: path, line: i + 1 })),
  );
  expect(new Set(ids).size).toBe(ids.length);
  return { ids, torn: tail !== '' && tail !== undefined };
}

describe('crash safety (child killed with SIGKILL mid-stream)', () => {
  const dir = useTempDir();

  it('keeps every complete line whole, never duplicates an id, and resumes', async () => {
    const store = new FileSystemStore(dir());
    const path = store.pathOf(shardResults('crash', 0, 0));
    let written = 0;
    let tornSeen = 0;
    let killed = 0;
    for (let round = 0; round < 8; round += 1) {
      // SIGKILL alone rarely tears a write on a local disk (the kernel finishes the syscall);
      // a power loss or a network volume can. Odd rounds start from such a tear.
      if (round % 2 === 1) {
        const next = searchRecordCodec.encode(searchRecordFor(`p-${written}`, PADDING));
        await appendFile(path, next.slice(0, 1 + ((round * 7919) % (next.length - 1))));
      }
      const run = await runChild(dir(), { after: 3 + (round % 3), jitterMs: (round * 7) % 20 });
      if (run.signal === 'SIGKILL') killed += 1;
      // What the child reported as written before dying is on disk: "written" means durable.
      const reported = run.stdout.split('\n').filter((l) => l.startsWith('written ')).length;
      const { ids, torn } = await checkFile(path);
      if (torn) tornSeen += 1;
      const opened = /^open (\d+) (\d+)$/m.exec(run.stdout);
      expect(opened?.[1]).toBe(String(written));
      if (round % 2 === 1) expect(Number(opened?.[2])).toBeGreaterThan(0);
      expect(ids.length).toBeGreaterThanOrEqual(written + reported);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `p-${i}@0`));
      written = ids.length;

      // Reopening (as a successor worker would) recovers: the dead child's lock is taken over.
      const log = await openShardResults(store, 'crash', 0, 0);
      expect(log.size).toBe(written);
      expect(log.recovery.tornLines).toBe(torn ? 1 : 0);
      await log.close();
    }
    const final = await runChild(dir());
    expect(final.code).toBe(0);
    expect(final.stdout).toMatch(/done\n$/);
    const { ids, torn } = await checkFile(path);
    expect(torn).toBe(false);
    expect(ids).toEqual(Array.from({ length: PROBLEMS }, (_, i) => `p-${i}@0`));
    expect(killed).toBe(8);
    process.stdout.write(
      `crash test: ${killed} kills, ${tornSeen} torn tails left by kills, 4 injected tears recovered, ${written} records before the final run\n`,
    );
  }, 180_000);
});
