import { appendFile, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { LockLostError, ShardLockedError } from './errors';
import { lockPathFor } from './file-result-log';
import { FileSystemStore } from './fs-store';
import { shardResults } from './layout';
import { openShardResults, readShardResults, searchRecordCodec } from './shard-results';
import { searchRecordFor } from './testing/records';
import { useTempDir } from './testing/temp-dir';

const KEY = shardResults('r', 0, 0);

function line(id: string): string {
  return `${searchRecordCodec.encode(searchRecordFor(id))}\n`;
}

async function idsIn(store: FileSystemStore): Promise<string[]> {
  const ids = [];
  for await (const r of readShardResults(store, 'r', 0, 0)) ids.push(r.problemId);
  return ids;
}

describe('FileResultLog', () => {
  const dir = useTempDir();

  it('writes each problem once and skips it on a re-run', async () => {
    const store = new FileSystemStore(dir());
    const first = await openShardResults(store, 'r', 0, 0);
    expect(first.recovery).toEqual({ records: 0, tornLines: 0, tornBytes: 0 });
    expect(await first.append(searchRecordFor('a'))).toBe('written');
    expect(await first.append(searchRecordFor('b'))).toBe('written');
    expect(await first.append(searchRecordFor('a'))).toBe('skipped');
    await first.close();

    const again = await openShardResults(store, 'r', 0, 0);
    expect(again.recovery.records).toBe(2);
    expect(again.has('a@0') && again.has('b@0') && !again.has('c@0')).toBe(true);
    expect(await again.append(searchRecordFor('b'))).toBe('skipped');
    expect(await again.append(searchRecordFor('c'))).toBe('written');
    await again.close();
    expect(await idsIn(store)).toEqual(['a', 'b', 'c']);
  });

  it('recovers from a torn last line by truncating it and counting it', async () => {
    const store = new FileSystemStore(dir());
    const path = store.pathOf(KEY);
    await store.write(KEY, line('a') + line('b'));
    const torn = line('c').slice(0, 100);
    await appendFile(path, torn);

    const log = await openShardResults(store, 'r', 0, 0);
    expect(log.recovery).toEqual({ records: 2, tornLines: 1, tornBytes: Buffer.byteLength(torn) });
    expect(log.has('c@0')).toBe(false);
    expect(await log.append(searchRecordFor('c'))).toBe('written');
    await log.close();
    expect(await readFile(path, 'utf8')).toBe(line('a') + line('b') + line('c'));
  });

  it('reads back only complete records while a torn line is still there', async () => {
    const store = new FileSystemStore(dir());
    await store.write(KEY, line('a') + line('b').slice(0, 50));
    expect(await idsIn(store)).toEqual(['a']);
  });

  it('treats a whole record missing only its newline as torn', async () => {
    const store = new FileSystemStore(dir());
    await store.write(KEY, line('a') + line('b').trimEnd());
    const log = await openShardResults(store, 'r', 0, 0);
    expect(log.recovery.records).toBe(1);
    expect(log.recovery.tornLines).toBe(1);
    expect(await log.append(searchRecordFor('b'))).toBe('written');
    await log.close();
    expect(await idsIn(store)).toEqual(['a', 'b']);
  });

  it('serialises concurrent appends and writes a concurrently repeated id once', async () => {
    const store = new FileSystemStore(dir());
    const log = await openShardResults(store, 'r', 0, 0);
    const ids = Array.from({ length: 40 }, (_, i) => `p-${i % 25}`);
    const outcomes = await Promise.all(
      ids.map((id, i) => log.append(searchRecordFor(id, (i % 5) * 50_000))),
    );
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(25);
    await log.close();
    const written = await idsIn(store);
    expect(new Set(written).size).toBe(25);
    expect(written).toHaveLength(25);
  });

  it('finishes queued appends on close and refuses appends after it', async () => {
    const store = new FileSystemStore(dir());
    const log = await openShardResults(store, 'r', 0, 0);
    const pending = ['a', 'b', 'c'].map((id) => log.append(searchRecordFor(id, 100_000)));
    await log.close();
    expect(await Promise.all(pending)).toEqual(['written', 'written', 'written']);
    await expect(log.append(searchRecordFor('d'))).rejects.toThrow(/log is closed/);
    expect(await idsIn(store)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a file with a corrupt complete line, naming file:line', async () => {
    const store = new FileSystemStore(dir());
    await store.write(KEY, `${line('a')}{"nope"\n`);
    const err: unknown = await openShardResults(store, 'r', 0, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).where).toMatchObject({ source: store.pathOf(KEY), line: 2 });
    // The failed open released its lock: once the file is repaired, a writer can open it.
    await expect(stat(lockPathFor(store.pathOf(KEY)))).rejects.toThrow(/ENOENT/);
    await writeFile(store.pathOf(KEY), line('a'));
    await (await openShardResults(store, 'r', 0, 0)).close();
  });

  it('refuses a file that already holds an id twice', async () => {
    const store = new FileSystemStore(dir());
    await store.write(KEY, line('a') + line('b') + line('a'));
    await expect(openShardResults(store, 'r', 0, 0)).rejects.toThrow(
      /:3.*duplicate id a@0 \(first at line 1\)/,
    );
  });

  it('rejects a record that would not read back, writing nothing', async () => {
    const store = new FileSystemStore(dir());
    const log = await openShardResults(store, 'r', 0, 0);
    const bad = { ...searchRecordFor('a'), nodes: [] };
    await expect(log.append(bad)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await log.append(searchRecordFor('b'))).toBe('written');
    await log.close();
    expect(await idsIn(store)).toEqual(['b']);
  });
});

describe('shard lock', () => {
  const dir = useTempDir();

  it('lets one writer at a time hold a shard', async () => {
    const store = new FileSystemStore(dir());
    const first = await openShardResults(store, 'r', 0, 0);
    await expect(openShardResults(store, 'r', 0, 0)).rejects.toBeInstanceOf(ShardLockedError);
    await first.close();
    const second = await openShardResults(store, 'r', 0, 0);
    await second.close();
  });

  it('takes over a lock whose owner on this host is dead', async () => {
    const store = new FileSystemStore(dir());
    const lock = lockPathFor(store.pathOf(KEY));
    await store.write(KEY, line('a'));
    const dead = { token: 'old', pid: 2 ** 22 + 12345, hostname: hostname(), acquiredAt: '' };
    await writeFile(lock, JSON.stringify(dead));
    const log = await openShardResults(store, 'r', 0, 0);
    expect(log.has('a@0')).toBe(true);
    await log.close();
  });

  it('respects a fresh lock from another host and takes over a stale one', async () => {
    const store = new FileSystemStore(dir(), { staleMs: 5_000 });
    const lock = lockPathFor(store.pathOf(KEY));
    await store.write(KEY, '');
    const remote = { token: 'remote', pid: 1, hostname: 'elsewhere', acquiredAt: '' };
    await writeFile(lock, JSON.stringify(remote));
    await expect(openShardResults(store, 'r', 0, 0)).rejects.toThrow(/pid 1 on elsewhere/);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const log = await openShardResults(store, 'r', 0, 0);
    await log.close();
  });

  it('stops a writer whose stale lock was taken over', async () => {
    const store = new FileSystemStore(dir(), { staleMs: 5_000, heartbeatMs: 60_000 });
    const lock = lockPathFor(store.pathOf(KEY));
    const frozen = await openShardResults(store, 'r', 0, 0);
    expect(await frozen.append(searchRecordFor('a'))).toBe('written');
    // The holder's heartbeat stops (say its event loop froze): its lock goes stale.
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const successor = await openShardResults(store, 'r', 0, 0);
    await expect(frozen.append(searchRecordFor('b'))).rejects.toBeInstanceOf(LockLostError);
    expect(await successor.append(searchRecordFor('b'))).toBe('written');
    await frozen.close();
    await successor.close();
    expect(await idsIn(store)).toEqual(['a', 'b']);
  });

  it('refuses to append after the file changed behind the writer', async () => {
    const store = new FileSystemStore(dir());
    const log = await openShardResults(store, 'r', 0, 0);
    expect(await log.append(searchRecordFor('a'))).toBe('written');
    await appendFile(store.pathOf(KEY), line('x'));
    await expect(log.append(searchRecordFor('b'))).rejects.toBeInstanceOf(LockLostError);
    await log.close();
    expect(await idsIn(store)).toEqual(['a', 'x']);
  });
});
