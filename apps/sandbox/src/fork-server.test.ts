import { ExecutionCancelledError, ForkServerStartError } from './errors';
import { ForkServer } from './fork-server';
import { forkServerScriptPath } from './forkserver-script';
import { bootConfigFor } from './service';
import { childPids, processesOfUids, silentLog, testConfig, testUidBase } from './testing';

// Real Python, real namespaces: nothing here is mocked.
const config = testConfig({ uidBase: testUidBase() });

function forkServer(overrides: { python?: string; watchdogGraceMs?: number } = {}): ForkServer {
  return new ForkServer({
    slot: 0,
    python: overrides.python ?? config.python,
    script: forkServerScriptPath(),
    boot: { ...bootConfigFor(config, 0), lock_wait_ms: 300 },
    startTimeoutMs: 30_000,
    watchdogGraceMs: overrides.watchdogGraceMs ?? 2_000,
    maxFrameBytes: 1 << 24,
    log: silentLog,
  });
}

const spec = (code: string, timeoutMs = 5_000) => ({
  code,
  timeoutMs,
  memoryMb: 256,
  maxOutputBytes: 1024,
});

describe('ForkServer (real Python)', () => {
  let server: ForkServer;

  beforeAll(async () => {
    server = forkServer();
    await server.start();
  });

  afterAll(async () => {
    await server.close(1_000);
  });

  it('says hello once warm: preloads sympy and reports its layers', () => {
    expect(server.hello?.preloaded).toEqual(expect.arrayContaining(['math', 'fractions', 'sympy']));
    expect(server.hello?.layers['uid']).toMatchObject({ active: true });
    expect(server.hello?.layers['rlimits']).toMatchObject({ active: true });
    expect(server.hello?.probe['net']).not.toBe('connected');
  });

  it('runs programs: output, exceptions, exit codes', async () => {
    await expect(server.execute(spec('print(6 * 7)'), 1 << 20)).resolves.toMatchObject({
      status: 'OK',
      stdout: '42\n',
      exitCode: 0,
    });
    const failed = await server.execute(spec('raise KeyError("nope")'), 1 << 20);
    expect(failed).toMatchObject({ status: 'ERROR', exitCode: 1 });
    expect(failed.stderr).toContain("KeyError: 'nope'");
    await expect(server.execute(spec('import sys; sys.exit(3)'), 1 << 20)).resolves.toMatchObject({
      status: 'ERROR',
      exitCode: 3,
    });
  });

  it('stops a program when the caller aborts, and stays usable', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = server.execute(spec('while True: pass', 60_000), 1 << 20, controller.signal);
    setTimeout(() => controller.abort('cancelled'), 200);
    await expect(running).rejects.toBeInstanceOf(ExecutionCancelledError);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(server.execute(spec('print("next")'), 1 << 20)).resolves.toMatchObject({
      stdout: 'next\n',
    });
  });

  it('fails to start with a clear error when the interpreter is missing', async () => {
    const broken = forkServer({ python: '/nonexistent/python3' });
    await expect(broken.start()).rejects.toThrow(ForkServerStartError);
    await expect(broken.start()).rejects.toThrow('/nonexistent/python3');
  });

  it('refuses a slot uid that belongs to an account (its processes would be killed)', async () => {
    const nobody = new ForkServer({
      slot: 0,
      python: config.python,
      script: forkServerScriptPath(),
      boot: { ...bootConfigFor(config, 0), uid: 65534, gid: 65534 },
      startTimeoutMs: 30_000,
      watchdogGraceMs: 2_000,
      maxFrameBytes: 1 << 24,
      log: silentLog,
    });
    await expect(nobody.start()).rejects.toThrow("uid 65534 belongs to account 'nobody'");
  });

  it('refuses a slot uid that another fork-server holds', async () => {
    const twin = forkServer();
    await expect(twin.start()).rejects.toThrow(/uid \d+ is in use by another sandbox fork-server/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ForkServer watchdog (the supervisor enforces wall time from outside)', () => {
  it('kills a fork-server that does not stop its program in time and reports TIMEOUT', async () => {
    const server = forkServer({ watchdogGraceMs: 500 });
    await server.start();
    const launcher = server.pid!;
    const running = server.execute(spec('import time; time.sleep(30)', 500), 1 << 20);
    // Freeze the fork-server itself (PID 1 of its namespace): only the supervisor can act now.
    const [inner] = childPids(launcher);
    expect(inner).toBeDefined();
    process.kill(inner!, 'SIGSTOP');
    const result = await running;
    expect(result.status).toBe('TIMEOUT');
    expect(result.stderr).toContain('stopped by the supervisor');
    await expect(server.exited()).resolves.toMatchObject({ killedFor: 'watchdog' });
    // The sleeping program died with the fork-server's PID namespace.
    await waitFor(() => processesOfUids(config.uidBase, config.uidBase).length === 0);
  });
});
