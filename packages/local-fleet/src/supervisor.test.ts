import { readFileSync } from 'node:fs';
import { ChildReadyTimeoutError } from './child-ready-timeout-error';
import { ChildStartError } from './child-start-error';
import { CrashLoopError } from './crash-loop-error';
import { describeChildEvent, type ChildEvent } from './events';
import { freePort } from './free-port';
import { killAllChildren } from './live-groups';
import type { SupervisorOptions } from './options';
import { readyOnHttp, readyOnLine, readyOnPort, type Readiness } from './readiness';
import { LocalFleet, type ChildSpec, type SupervisedChild } from './supervisor';

/**
 * The supervisor against real, tiny child processes (`node -e` scripts): readiness, restart with
 * backoff, give-up, bounded stop and the event reports.
 */

jest.setTimeout(30_000);

/** A process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `body`, then prints `ready <argv[1]>` (after: a SIGTERM handler is in place by then). */
function script(body: string): string {
  return `${body}; console.log('ready ' + (process.argv[1] ?? ''));`;
}

const readyLine = readyOnLine('a line "ready"', (line) =>
  line.startsWith('ready') ? line.slice(6) : undefined,
);

function spec(body: string, extra: Partial<ChildSpec<string>> = {}): ChildSpec<string> {
  return { name: 'tiny', args: ['-e', script(body)], env: {}, ready: readyLine, ...extra };
}

const KEEP_RUNNING = 'setInterval(() => {}, 1000);';

let fleets: LocalFleet[] = [];
function fleet(options: SupervisorOptions = {}): { fleet: LocalFleet; events: ChildEvent[] } {
  const events: ChildEvent[] = [];
  const f = new LocalFleet({ stopGraceMs: 2_000, ...options, onEvent: (e) => events.push(e) });
  fleets.push(f);
  return { fleet: f, events };
}

afterEach(async () => {
  await Promise.all(fleets.map((f) => f.stop()));
  fleets = [];
});

const kinds = (events: ChildEvent[]): string[] => events.map((e) => e.kind);

describe('LocalFleet: start and stop', () => {
  it('resolves once the ready line appears and stops a child that handles SIGTERM cleanly', async () => {
    const { fleet: f, events } = fleet();
    const graceful = `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); ${KEEP_RUNNING}`;
    const child = await f.start({ ...spec(graceful), args: ['-e', script(graceful), 'hello'] });
    expect(child.info).toBe('hello');
    expect(child.running()).toBe(true);
    expect(alive(child.pid)).toBe(true);
    await expect(child.stop()).resolves.toEqual({ code: 0, signal: null });
    expect(child.logs).toEqual(['ready hello', 'bye']);
    expect(kinds(events)).toEqual(['started', 'stopped']);
    expect(events[1]).toMatchObject({ child: 'tiny', pid: child.pid, exit: { code: 0 } });
    await expect(child.exited).resolves.toEqual({ code: 0, signal: null });
    expect(f.children()).toEqual([]);
  });

  it('bounds the stop: SIGTERM ignored, SIGKILL after the grace, and the group goes with it', async () => {
    const { fleet: f } = fleet();
    // A grandchild in the same process group (a fork-server, a hook) that outlives a plain kill.
    const child = await f.start({
      name: 'stubborn',
      args: [
        '-e',
        "const g = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' });" +
          "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));" +
          "console.log('ready ' + g.pid); setInterval(() => {}, 1000);",
      ],
      env: { PATH: '/usr/bin:/bin' },
      ready: readyLine,
    });
    const grandchild = Number(child.info);
    expect(alive(grandchild)).toBe(true);
    const exit = await child.stop(300);
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(child.logs).toContain('ignoring SIGTERM');
    await waitFor('grandchild gone', () => !alive(grandchild));

    // A child that exits on SIGTERM but leaves its grandchild behind: the leftover goes too.
    const leavingSpec: ChildSpec<string> = {
      name: 'leaving',
      args: [
        '-e',
        "const g = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' });" +
          "process.on('SIGTERM', () => process.exit(0));" +
          "console.log('ready ' + g.pid); setInterval(() => {}, 1000);",
      ],
      env: { PATH: '/usr/bin:/bin' },
      ready: readyLine,
    };
    const leaving = await f.start(leavingSpec);
    const left = Number(leaving.info);
    await expect(leaving.stop()).resolves.toEqual({ code: 0, signal: null });
    await waitFor('leftover grandchild gone', () => !alive(left));

    // reapGroup false (a test of the child's own cleanup): the leftover is left alone.
    const observed = await f.start({ ...leavingSpec, name: 'observed', reapGroup: false });
    const kept = Number(observed.info);
    await observed.stop();
    expect(alive(kept)).toBe(true);
    process.kill(kept, 'SIGKILL');
  });

  it('fails the first start with the reason, and does not restart it', async () => {
    const { fleet: f, events } = fleet();
    const early = f.start({
      name: 'early',
      args: ['-e', "console.error('cannot open config'); process.exit(2)"],
      env: {},
      ready: readyLine,
    });
    await expect(early).rejects.toThrow(ChildStartError);
    await expect(early).rejects.toThrow(
      /early exited before it was ready \(code 2\):\ncannot open config/,
    );

    const silent = f.start({ ...spec(''), args: ['-e', KEEP_RUNNING], readyTimeoutMs: 300 });
    const err = (await silent.catch((e: unknown) => e)) as ChildReadyTimeoutError;
    expect(err).toBeInstanceOf(ChildReadyTimeoutError);
    expect(err.message).toContain('not ready after 300 ms (waited for a line "ready")');

    await expect(f.start({ ...spec(''), command: '/nonexistent/binary' })).rejects.toThrow(
      /cannot spawn \/nonexistent\/binary/,
    );
    expect(events).toEqual([]);
    expect(f.children()).toEqual([]);
  });

  it('waits for a TCP port or an HTTP health URL to answer', async () => {
    const { fleet: f } = fleet();
    const port = await freePort();
    const server = (status: number): string =>
      `setTimeout(() => require('http').createServer((q, s) => s.writeHead(${status}).end()).listen(${port}, '127.0.0.1'), 200);`;
    const serving = <T>(status: number, ready: Readiness<T>, readyTimeoutMs?: number) =>
      f.start({
        name: `http-${status}`,
        args: ['-e', server(status)],
        env: {},
        ready,
        readyTimeoutMs,
      });
    const tcp = await serving(200, readyOnPort(port));
    expect(tcp.info).toEqual({ port });
    await tcp.stop();
    const url = `http://127.0.0.1:${port}/health`;
    const http = await serving(200, readyOnHttp(url));
    expect(http.info).toEqual({ url });
    await http.stop();
    // A server that answers 503 is not ready.
    await expect(serving(503, readyOnHttp(url), 1_000)).rejects.toThrow(ChildReadyTimeoutError);
  });
});

describe('LocalFleet: crashes', () => {
  it('restarts a crashed child with doubling backoff and reports what died, why, when and its return', async () => {
    const { fleet: f, events } = fleet({ backoffInitialMs: 50, backoffMaxMs: 1_000 });
    let starts = 0;
    // Starts 1 and 2 crash (exit 3) shortly after they are ready; start 3 stays up.
    const child = await f.start({
      name: 'flaky',
      args: () => {
        starts++;
        return [
          '-e',
          script(
            starts < 3
              ? `console.error('dying: start ${starts}'); setTimeout(() => process.exit(3), 100);`
              : KEEP_RUNNING,
          ),
          String(starts),
        ];
      },
      env: {},
      ready: readyLine,
    });
    const firstPid = child.pid;
    await waitFor('two restarts', () => child.restarts === 2);
    expect(child.info).toBe('3');
    expect(kinds(events)).toEqual(['started', 'crashed', 'restarted', 'crashed', 'restarted']);
    const [, crash1, back1, crash2, back2] = events as [
      ChildEvent,
      Extract<ChildEvent, { kind: 'crashed' }>,
      Extract<ChildEvent, { kind: 'restarted' }>,
      Extract<ChildEvent, { kind: 'crashed' }>,
      Extract<ChildEvent, { kind: 'restarted' }>,
    ];
    expect(crash1).toMatchObject({
      child: 'flaky',
      pid: firstPid,
      exit: { code: 3, signal: null },
      lastLines: ['dying: start 1'],
      startError: null,
      restartInMs: 50,
      crashesInWindow: 1,
    });
    expect(crash1.at.getTime()).toBeLessThanOrEqual(back1.at.getTime());
    expect(back1).toMatchObject({ child: 'flaky', restarts: 1 });
    expect(back1.pid).not.toBe(firstPid);
    expect(back1.downMs).toBeGreaterThanOrEqual(50);
    expect(crash2).toMatchObject({ lastLines: ['dying: start 2'], restartInMs: 100 });
    expect(back2.downMs).toBeGreaterThanOrEqual(100);
    expect(describeChildEvent(crash1)).toMatch(
      /^flaky \(pid \d+\) died at [\d:.]+ \(code 3\) after [\d.]+ m?s up; restarting in 50 ms \(crash 1, gives up at 5 within the window\)\n/,
    );
    expect(describeChildEvent(crash1)).toContain('    | dying: start 1');
    expect(describeChildEvent(back1)).toMatch(
      /^flaky \(pid \d+\) back at [\d:.]+, [\d.]+ m?s after it died \(restart 1\)$/,
    );

    // kill -9 from outside, as a user would: reported with the signal, restarted after 200 ms.
    const victim = child.pid;
    process.kill(victim, 'SIGKILL');
    await waitFor('third restart', () => child.restarts === 3);
    expect(events.at(-2)).toMatchObject({
      kind: 'crashed',
      pid: victim,
      exit: { code: null, signal: 'SIGKILL' },
      restartInMs: 200,
    });
    expect(child.running()).toBe(true);
    expect(alive(child.pid)).toBe(true);
  });

  it('gives up with CrashLoopError after repeated crashes, a restart that never gets ready counting as one', async () => {
    const { fleet: f, events } = fleet({ backoffInitialMs: 20, giveUpCrashes: 3 });
    let starts = 0;
    const child = await f.start({
      name: 'doomed',
      args: () =>
        ++starts === 1
          ? ['-e', script("console.error('out of memory'); setTimeout(() => process.exit(1), 50);")]
          : ['-e', "console.error('config gone'); process.exit(1)"],
      env: {},
      ready: readyLine,
    });
    const err = (await f.crashLoop.catch((e: unknown) => e)) as CrashLoopError;
    expect(err).toBeInstanceOf(CrashLoopError);
    expect(err).toMatchObject({ child: 'doomed', crashes: 3, code: 'UNAVAILABLE' });
    expect(err.message).toBe('doomed crashed 3 times within 60 s; not restarting it any more');
    expect(err.lastLines).toEqual(['config gone']);
    expect(kinds(events)).toEqual(['started', 'crashed', 'crashed', 'gave-up']);
    expect(events[1]).toMatchObject({ startError: null, lastLines: ['out of memory'] });
    expect(events[2]).toMatchObject({
      startError: expect.stringContaining('doomed exited before it was ready (code 1)'),
      upMs: 0,
    });
    await expect(child.exited).resolves.toEqual({ code: 1, signal: null });
    expect(child.running()).toBe(false);
    expect(f.children()).toEqual([]);
    expect(starts).toBe(3);
  });

  it('under restart policy never, leaves a crashed child down and says so', async () => {
    const { fleet: f, events } = fleet({ restart: 'never' });
    const child = await f.start(spec(KEEP_RUNNING));
    await expect(child.kill('SIGKILL')).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    await expect(child.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(kinds(events)).toEqual(['started', 'exited']);
    expect(describeChildEvent(events[1]!)).toContain('not restarted (restart policy never)');
    await expect(child.restart()).rejects.toThrow(ChildStartError);
  });

  it('restart() brings a child back on purpose, after downMs, without counting a crash', async () => {
    const { fleet: f, events } = fleet({ restart: 'never' });
    let starts = 0;
    const child: SupervisedChild<string> = await f.start({
      ...spec(KEEP_RUNNING),
      args: () => ['-e', script(KEEP_RUNNING), String(++starts)],
    });
    const before = child.pid;
    const asked = Date.now();
    await child.restart('SIGKILL', 200);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(200);
    expect(child.pid).not.toBe(before);
    expect(alive(before)).toBe(false);
    expect(child.info).toBe('2');
    expect(child.restarts).toBe(0);
    expect(kinds(events)).toEqual(['started']);
  });

  it('stop() during the backoff pause ends the supervision without another start', async () => {
    const { fleet: f, events } = fleet({ backoffInitialMs: 5_000 });
    let starts = 0;
    const child = await f.start({
      ...spec(KEEP_RUNNING),
      args: () => (++starts, ['-e', script(KEEP_RUNNING)]),
    });
    await child.kill('SIGKILL');
    await waitFor('crash reported', () => events.some((e) => e.kind === 'crashed'));
    await expect(child.stop()).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(starts).toBe(1);
  });

  it('killAllChildren SIGKILLs every child group at once (for an exit handler)', async () => {
    const { fleet: f } = fleet({ restart: 'never' });
    const children = await Promise.all([f.start(spec(KEEP_RUNNING)), f.start(spec(KEEP_RUNNING))]);
    killAllChildren();
    const exits = await Promise.all(children.map((c) => c.exited));
    expect(exits).toEqual([
      { code: null, signal: 'SIGKILL' },
      { code: null, signal: 'SIGKILL' },
    ]);
  });
});
