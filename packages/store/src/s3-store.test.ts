import type { S3Client } from '@aws-sdk/client-s3';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, NotFoundError } from '@rstar-fleet/protocol';
import { LockLostError } from './errors';
import { shardResults } from './layout';
import { S3Store } from './s3';
import { openShardResults, readShardResults, searchRecordCodec } from './shard-results';
import { searchRecordFor } from './testing/records';
import { TEST_BUCKET, startS3 } from './testing/s3-server';
import { useTempDir } from './testing/temp-dir';

describe('S3Store (against s3rver)', () => {
  const dir = useTempDir();
  let client: S3Client;
  let stop: () => Promise<void>;

  beforeEach(async () => {
    await mkdir(join(dir(), 's3'));
    ({ client, stop } = await startS3(join(dir(), 's3')));
  });
  afterEach(async () => {
    await stop();
  });

  function store(spool = 'spool', checkpointEvery = 2): S3Store {
    return new S3Store({
      client,
      bucket: TEST_BUCKET,
      prefix: 'fleet',
      spoolDir: join(dir(), spool),
      checkpointEvery,
    });
  }

  it('writes, reads, streams, lists, checks and deletes objects', async () => {
    const s = store();
    await s.write('runs/a/plan.yaml', 'rounds: 4\n');
    await s.write('runs/a/round-0/sft.jsonl', 'one\ntwo\nlast');
    await s.write('runs/ab/plan.yaml', 'x');
    expect((await s.read('runs/a/plan.yaml')).toString()).toBe('rounds: 4\n');
    expect(await s.list('runs/a')).toEqual(['runs/a/plan.yaml', 'runs/a/round-0/sft.jsonl']);
    expect(await s.list('')).toHaveLength(3);
    expect(await s.list('runs/a/plan.yaml')).toEqual(['runs/a/plan.yaml']);
    const lines = [];
    for await (const l of s.lines('runs/a/round-0/sft.jsonl')) lines.push([l.text, l.terminated]);
    expect(lines).toEqual([
      ['one', true],
      ['two', true],
      ['last', false],
    ]);
    expect(await s.exists('runs/a/plan.yaml')).toBe(true);
    await s.delete('runs/a/plan.yaml');
    await s.delete('runs/a/plan.yaml');
    expect(await s.exists('runs/a/plan.yaml')).toBe(false);
    await expect(s.read('runs/a/plan.yaml')).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.write('../x', 'y')).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('keeps each problem once across re-runs, checkpointing the spool', async () => {
    const first = await openShardResults(store('spool-1'), 'r', 0, 3);
    for (const id of ['a', 'b', 'c'])
      expect(await first.append(searchRecordFor(id))).toBe('written');
    expect(await first.append(searchRecordFor('a'))).toBe('skipped');
    // checkpointEvery 2: a, b are in the bucket; c only in the local spool until close.
    const ids = async (): Promise<string[]> => {
      const out = [];
      for await (const r of readShardResults(store(), 'r', 0, 3)) out.push(r.problemId);
      return out;
    };
    expect(await ids()).toEqual(['a', 'b']);
    await first.close();
    expect(await ids()).toEqual(['a', 'b', 'c']);

    // A re-run on another node (another spool) starts from the bucket.
    const again = await openShardResults(store('spool-2'), 'r', 0, 3);
    expect(again.size).toBe(3);
    expect(await again.append(searchRecordFor('b'))).toBe('skipped');
    expect(await again.append(searchRecordFor('d'))).toBe('written');
    await again.close();
    expect(await ids()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('loses only unsaved records when a writer dies, never duplicates them', async () => {
    const dead = await openShardResults(store('spool-dead', 100), 'r', 0, 0);
    await dead.append(searchRecordFor('a'));
    // The writer "dies": never closed, nothing uploaded. A successor elsewhere redoes 'a'.
    const next = await openShardResults(store('spool-next'), 'r', 0, 0);
    expect(next.has('a@0')).toBe(false);
    expect(await next.append(searchRecordFor('a'))).toBe('written');
    await next.close();
    const text = (await store().read(shardResults('r', 0, 0))).toString();
    expect(text).toBe(`${searchRecordCodec.encode(searchRecordFor('a'))}\n`);
    // If the "dead" writer wakes up, its checkpoint is refused rather than clobbering.
    await expect(dead.close()).rejects.toBeInstanceOf(LockLostError);
  });

  it('stops a writer whose shard another writer checkpointed meanwhile', async () => {
    const zombie = await openShardResults(store('spool-z', 1), 'r', 0, 0);
    const successor = await openShardResults(store('spool-s', 1), 'r', 0, 0);
    expect(await successor.append(searchRecordFor('a'))).toBe('written');
    await expect(zombie.append(searchRecordFor('b'))).rejects.toBeInstanceOf(LockLostError);
    await successor.close();
    await expect(zombie.close()).rejects.toBeInstanceOf(LockLostError);
  });

  it('builds an object line by line through a spool and uploads it on commit', async () => {
    const s = store('spool-writer');
    const writer = await s.openWriter('runs/r/round-1/ppm_pairs.jsonl');
    for (let i = 0; i < 1000; i++) await writer.writeLine(JSON.stringify({ i }));
    expect(await s.exists('runs/r/round-1/ppm_pairs.jsonl')).toBe(false);
    await writer.commit();
    const lines = (await s.read('runs/r/round-1/ppm_pairs.jsonl')).toString().split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[999]).toBe('{"i":999}');
  });
});
