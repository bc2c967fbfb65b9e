import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createRedis, runFenceKey, runLeaseKey } from '@rstar-fleet/queue';
import { startPrivateRedis, type PrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { FileSystemStore } from '@rstar-fleet/store';
import { RunLeaseHeldError, RunLeaseLostError, StaleRunStateError } from './lease-errors';
import { RunLease, type RunLeaseOptions } from './run-lease';
import { readRunState, runStateKey, writeRunState, type RunState } from './run-state';
import { RunStateHolder } from './state-holder';
import { sampleRunState } from './testing/run-state';

/**
 * The run lease and the fenced run.json write against a real private Redis and a real
 * filesystem store: one holder at a time, renewal keeps it, expiry hands it over, and a holder
 * that lost it (or holds a stale copy) never overwrites the new holder's run.json.
 */

let server: PrivateRedis;
let dir: string;
const clients: Redis[] = [];
const leases: RunLease[] = [];

beforeAll(async () => {
  server = await startPrivateRedis();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rstar-lease-'));
});
afterEach(async () => {
  await Promise.all(leases.splice(0).map((l) => l.release()));
  await Promise.all(
    clients.splice(0).map((c) => (c.status === 'end' ? Promise.resolve('OK') : c.quit())),
  );
  rmSync(dir, { recursive: true, force: true });
});

async function client(): Promise<Redis> {
  const c = createRedis({ url: server.url, role: 'worker', connectionName: 'lease-test' });
  await c.connect();
  clients.push(c);
  return c;
}

async function acquire(
  redis: Redis,
  prefix: string,
  holder: string,
  ttlMs: number,
  extra: Partial<RunLeaseOptions> = {},
): Promise<RunLease> {
  const lease = await RunLease.acquire({ redis, prefix, run: 'r1', ttlMs, holder, ...extra });
  leases.push(lease);
  return lease;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string) {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

const state = (over: Partial<RunState> = {}): RunState => sampleRunState('r1', over);

describe('run lease (real Redis)', () => {
  it('refuses a second holder, naming the first and when its lease expires', async () => {
    const redis = await client();
    const prefix = uniquePrefix('lease');
    const a = await acquire(redis, prefix, 'host-a pid 1', 10_000);
    expect(a.token).toBe(1);
    const before = Date.now();
    const refused = await acquire(redis, prefix, 'host-b pid 2', 10_000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunLeaseHeldError);
    const held = refused as RunLeaseHeldError;
    expect(held.message).toContain('run r1 is held by another orchestrator (host-a pid 1');
    expect(held.message).toMatch(/expires at \d{4}-\d\d-\d\dT.*in \d+\.\d s/);
    expect(held.expiresAt.getTime()).toBeGreaterThan(before);
    expect(held.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 10_000);
    // A refusal does not move the fencing counter.
    expect(await redis.get(runFenceKey(prefix, 'r1'))).toBe('1');
    // Released on a clean close: the next one takes it with the next token.
    await a.release();
    const b = await acquire(redis, prefix, 'host-b pid 2', 10_000);
    expect(b.token).toBe(2);
  });

  it('renews the lease on a timer well past its TTL', async () => {
    const redis = await client();
    const prefix = uniquePrefix('lease');
    await acquire(redis, prefix, 'a', 1_500);
    await sleep(4_000);
    await expect(acquire(redis, prefix, 'b', 1_500)).rejects.toBeInstanceOf(RunLeaseHeldError);
    expect(await redis.pttl(runLeaseKey(prefix, 'r1'))).toBeGreaterThan(0);
  });

  it('expires when its holder dies, and another one takes over with the next token', async () => {
    const prefix = uniquePrefix('lease');
    const dying = await client();
    await acquire(dying, prefix, 'a', 600);
    await dying.quit(); // as kill -9: no renewal, no release
    const redis = await client();
    await expect(acquire(redis, prefix, 'b', 600)).rejects.toBeInstanceOf(RunLeaseHeldError);
    await waitFor(
      async () => (await redis.exists(runLeaseKey(prefix, 'r1'))) === 0,
      5_000,
      'expiry',
    );
    const b = await acquire(redis, prefix, 'b', 600);
    expect(b.token).toBe(2);
  });

  it('takes its own lease back after it expired with no other taker', async () => {
    const redis = await client();
    const prefix = uniquePrefix('lease');
    const a = await acquire(redis, prefix, 'a', 5_000);
    await redis.del(runLeaseKey(prefix, 'r1')); // as if it expired while Redis restarted
    await a.check();
    expect(a.lost()).toBeNull();
    await expect(acquire(redis, prefix, 'b', 5_000)).rejects.toBeInstanceOf(RunLeaseHeldError);
  });

  it('keeps its lease through a Redis crash and restart (AOF): a short outage is no loss', async () => {
    const redis = await client();
    const prefix = uniquePrefix('lease');
    const lost: RunLeaseLostError[] = [];
    const a = await acquire(redis, prefix, 'a', 3_000, { onLost: (e) => lost.push(e) });
    const value = await redis.get(runLeaseKey(prefix, 'r1'));
    // Down for longer than a renewal interval (1 s): renewals fail meanwhile, and are retried.
    await server.restart('SIGKILL', 1_500);
    await a.check();
    expect(lost).toEqual([]);
    expect(a.lost()).toBeNull();
    expect(await redis.get(runLeaseKey(prefix, 'r1'))).toBe(value);
    expect(await redis.get(runFenceKey(prefix, 'r1'))).toBe(String(a.token));
    await expect(acquire(redis, prefix, 'b', 3_000)).rejects.toBeInstanceOf(RunLeaseHeldError);
  });

  it('a holder whose lease was taken over stops, and its run.json write is refused', async () => {
    const redis = await client();
    const prefix = uniquePrefix('lease');
    const store = new FileSystemStore(dir);
    const lost: RunLeaseLostError[] = [];
    const a = await acquire(redis, prefix, 'a', 900, { onLost: (e) => lost.push(e) });
    const holderA = new RunStateHolder(store, state(), a);
    await holderA.update((s) => {
      s.status = 'running';
    });

    // A stalls past its TTL; B takes the run over and moves it on.
    await redis.del(runLeaseKey(prefix, 'r1'));
    const b = await acquire(redis, prefix, 'b', 900);
    const loaded = await readRunState(store, 'r1');
    expect(loaded?.revision).toBe(1);
    const holderB = new RunStateHolder(store, loaded!, b);
    await holderB.update((s) => {
      s.status = 'done';
      s.planName = 'written-by-b';
    });
    const written = readFileSync(join(dir, runStateKey('r1')), 'utf8');

    const refused = await holderA
      .update((s) => {
        s.status = 'failed';
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunLeaseLostError);
    expect((refused as Error).message).toMatch(/run r1: lost the orchestrator lease/);
    expect(readFileSync(join(dir, runStateKey('r1')), 'utf8')).toBe(written);
    expect(await readRunState(store, 'r1')).toMatchObject({
      status: 'done',
      planName: 'written-by-b',
      revision: 2,
    });
    // Its renewal timer reports the loss once (the run stops on it).
    await waitFor(() => lost.length > 0, 5_000, 'onLost');
    expect(lost).toHaveLength(1);
    expect(a.lost()).toBe(lost[0]);
  });
});

describe('fenced run.json write', () => {
  const open = { check: () => Promise.resolve() };

  it('refuses a stale copy and keeps what the newer writer wrote', async () => {
    const store = new FileSystemStore(dir);
    await new RunStateHolder(store, state(), open).update(() => undefined);
    const first = new RunStateHolder(store, (await readRunState(store, 'r1'))!, open);
    const stale = new RunStateHolder(store, (await readRunState(store, 'r1'))!, open);
    await first.update((s) => {
      s.status = 'done';
    });
    const err = await stale
      .update((s) => {
        s.status = 'failed';
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleRunStateError);
    expect(err).toMatchObject({
      code: 'FAILED_PRECONDITION',
      expectedRevision: 1,
      foundRevision: 2,
      message: expect.stringContaining('runs/r1/run.json: refusing a stale write'),
    });
    expect(await readRunState(store, 'r1')).toMatchObject({ status: 'done', revision: 2 });
  });

  it('reads a run.json written before revisions as revision 0 and advances it', async () => {
    const store = new FileSystemStore(dir);
    await writeRunState(store, state()); // no revision field, as version-1 files have
    const old = (await readRunState(store, 'r1'))!;
    expect(old.revision).toBeUndefined();
    const holder = new RunStateHolder(store, old, open);
    await holder.update((s) => {
      s.status = 'done';
    });
    expect(await readRunState(store, 'r1')).toMatchObject({ status: 'done', revision: 1 });
    expect(holder.get().revision).toBe(1);
  });
});
