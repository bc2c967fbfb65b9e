import {
  ExecutionCancelledError,
  ForkServerLostError,
  QueueFullError,
  ShuttingDownError,
} from './errors';
import { forkServerScriptPath } from './forkserver-script';
import { Pool, type RestartReason } from './pool';
import type { ExecutionSpec } from './request';
import { bootConfigFor } from './service';
import { childPids, silentLog, testConfig, testUidBase } from './testing';

// Real fork-servers (real Python): the pool's supervision is tested against real crashes.
const config = testConfig({ uidBase: testUidBase(), workers: 2 });

const spec = (code: string, timeoutMs = 10_000): ExecutionSpec => ({
  code,
  timeoutMs,
  memoryMb: 256,
  maxOutputBytes: 1024,
});

function makePool(workers: number, queueLimit: number, restarts: RestartReason[] = []): Pool {
  return new Pool({
    workers,
    queueLimit,
    outputKillBytes: 1 << 20,
    python: config.python,
    script: forkServerScriptPath(),
    startTimeoutMs: 30_000,
    watchdogGraceMs: 2_000,
    maxFrameBytes: 1 << 24,
    bootConfig: (slot) => bootConfigFor(config, slot),
    log: silentLog,
    hooks: { onRestart: (reason) => restarts.push(reason) },
  });
}

describe('Pool (real fork-servers)', () => {
  const restarts: RestartReason[] = [];
  let pool: Pool;

  beforeAll(async () => {
    pool = makePool(2, 2, restarts);
    await pool.start();
  });

  afterAll(async () => {
    await pool.close(1_000);
  });

  it('admits a batch whole or not at all when the bounded queue is full', async () => {
    // 2 running + 2 queued fill it; one more must be refused, synchronously.
    const held = pool.run([1, 2, 3, 4].map(() => spec('import time; time.sleep(0.3)')));
    expect(pool.stats()).toMatchObject({ busy: 2, queued: 2 });
    expect(() => pool.run([spec('print(1)')])).toThrow(QueueFullError);
    const results = await Promise.all(held);
    expect(results.map((r) => r.status)).toEqual(['OK', 'OK', 'OK', 'OK']);
    await expect(Promise.all(pool.run([spec('print(1)'), spec('print(2)')]))).resolves.toHaveLength(
      2,
    );
  });

  it('drops queued executions whose caller cancelled, without running them', async () => {
    const controller = new AbortController();
    const blockers = pool.run([
      spec('import time; time.sleep(0.3)'),
      spec('import time; time.sleep(0.3)'),
    ]);
    const [queued] = pool.run([spec('open("ran", "w"); print("ran")')], {
      signal: controller.signal,
    });
    controller.abort('cancelled');
    await expect(queued).rejects.toBeInstanceOf(ExecutionCancelledError);
    expect(pool.stats().queued).toBe(0);
    await Promise.all(blockers);
  });

  it('fails an execution whose fork-server is killed as UNAVAILABLE, replaces it; the other slot keeps serving', async () => {
    const before = restarts.length;
    const [victim, bystander] = pool.run([
      spec('import time; time.sleep(5)'),
      spec('import time; time.sleep(0.5); print("fine")'),
    ]);
    await new Promise((r) => setTimeout(r, 200));
    // Kill slot 0's fork-server from outside (the launcher; its namespace dies with it).
    const launchers = childPids(process.pid).filter((pid) => childPids(pid).length > 0);
    const busyLauncher = launchers[0];
    expect(busyLauncher).toBeDefined();
    process.kill(busyLauncher!, 'SIGKILL');
    const [lost, kept] = await Promise.allSettled([victim!, bystander!]);
    // The sandbox failed, not the program: never an ERROR result blaming it (the uid layer is
    // active here, so the program could not have signalled its fork-server).
    expect(lost).toMatchObject({ status: 'rejected', reason: expect.any(ForkServerLostError) });
    expect((lost as PromiseRejectedResult).reason).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('died while running the program (signal SIGKILL)'),
    });
    expect(kept).toMatchObject({ status: 'fulfilled', value: { status: 'OK', stdout: 'fine\n' } });
    // Replaced: both slots serve again.
    const until = Date.now() + 20_000;
    while (pool.stats().ready < 2 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    expect(pool.stats().ready).toBe(2);
    expect(restarts.slice(before)).toEqual(['crashed']);
    await expect(Promise.all(pool.run([spec('print(1)'), spec('print(2)')]))).resolves.toHaveLength(
      2,
    );
  });
});

describe('Pool shutdown', () => {
  it('fails queued executions, refuses new ones, lets the running one finish within the grace', async () => {
    const pool = makePool(1, 4);
    await pool.start();
    const [running, queued] = pool.run([
      spec('import time; time.sleep(0.3); print("done")'),
      spec('print(2)'),
    ]);
    const closing = pool.close(5_000);
    await expect(queued).rejects.toBeInstanceOf(ShuttingDownError);
    expect(() => pool.run([spec('print(3)')])).toThrow(ShuttingDownError);
    await closing;
    await expect(running).resolves.toMatchObject({ status: 'OK', stdout: 'done\n' });
  });

  it('kills what is still running when the grace ends', async () => {
    const pool = makePool(1, 4);
    await pool.start();
    const [running] = pool.run([spec('import time; time.sleep(30)')]);
    const started = Date.now();
    await pool.close(200);
    await expect(running).rejects.toThrow('stopped by shutdown');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
