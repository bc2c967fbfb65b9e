import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SandboxCallError } from '@rstar-fleet/protocol/sandbox';
import { testUidBase } from '@rstar-fleet/sandbox/testing';
import {
  SERVICE_SECRET,
  type SandboxProcess,
  eventually,
  py,
  startSandboxProcess,
} from './harness';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..', '..');
const cli = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');

async function rstarFleet(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function callError(call: Promise<unknown>): Promise<SandboxCallError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SandboxCallError);
  return err as SandboxCallError;
}

describe('rstar-fleet sandbox: start-up report', () => {
  it('documents its options in --help', async () => {
    const { code, stdout } = await rstarFleet('sandbox', '--help');
    expect(code).toBe(0);
    for (const flag of [
      '--port',
      '--metrics-port',
      '--python',
      '--workers',
      '--max-timeout-ms',
      '--require-layer',
      '--check',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('RSTAR_SANDBOX_');
  });

  it('--check reports every isolation layer; all of them are active on this host', async () => {
    // CI runs as root on a Linux machine of this kind: namespaces, uid switching and seccomp are
    // all available. A host without them reports them UNAVAILABLE with the reason instead.
    const { code, stdout } = await rstarFleet(
      'sandbox',
      '--check',
      '--workers=1',
      `--uid-base=${testUidBase()}`,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/preloaded: math, fractions, sympy, numpy/);
    for (const layer of [
      'uid',
      'pid',
      'network',
      'filesystem',
      'seccomp',
      'ipc',
      'cpu',
      'rlimits',
      'env',
      'cleanup',
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\s+active\\s+${layer}\\s+\\S`, 'm'));
    }
    expect(stdout).not.toContain('UNAVAILABLE');
  });

  it('refuses contradictory or invalid options, naming the flag', async () => {
    const clash = await rstarFleet('sandbox', '--disable-layer=network', '--require-layer=network');
    expect(clash.code).toBe(65);
    expect(clash.stderr).toContain('field --require-layer');
    const bad = await rstarFleet('sandbox', '--default-timeout-ms=999999');
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('field --default-timeout-ms');
  });

  it('fails to start when the interpreter cannot be run', async () => {
    const { code, stderr } = await rstarFleet(
      'sandbox',
      '--check',
      '--python=/nonexistent/python3',
      '--workers=1',
    );
    expect(code).toBe(78);
    expect(stderr).toContain('/nonexistent/python3');
  });
});

describe('rstar-fleet sandbox: degraded isolation still holds what it reports', () => {
  // Namespaces and seccomp switched off: what is left is the per-slot uid, rlimits, the scrubbed
  // environment and descendant tracking. The report says so, and those guarantees still hold.
  let sbx: SandboxProcess;

  beforeAll(async () => {
    sbx = await startSandboxProcess({
      args: ['--disable-layer=pid,network,filesystem,seccomp,ipc'],
    });
  });

  afterAll(async () => {
    await sbx?.stop();
  });

  it('reports the disabled layers as unavailable', () => {
    const report = sbx.logs.find((l) => l.includes('sandbox isolation layers')) ?? '';
    for (const layer of ['pid', 'network', 'filesystem', 'seccomp', 'ipc']) {
      expect(report).toContain(
        `{"layer":"${layer}","active":false,"detail":"disabled by configuration"}`,
      );
    }
    expect(report).toContain('"layer":"uid","active":true');
    expect(report).toContain('descendant tracking as child subreaper');
  });

  it('still reaps every process a program leaves behind (setsid included)', async () => {
    const r = await sbx.client.execute({
      code: py(
        'import os, subprocess, time',
        'if os.fork() == 0:',
        '    os.setsid()',
        '    if os.fork() == 0:',
        '        time.sleep(60)',
        '    os._exit(0)',
        'subprocess.Popen(["sleep", "60"])',
        'time.sleep(0.2)',
        'print("started")',
      ),
    });
    expect(r).toMatchObject({ status: 'OK', stdout: 'started\n' });
    expect(sbx.leftovers()).toEqual([]);
  });

  it('still contains a fork bomb, hides the secrets, and protects the fork-server', async () => {
    const bomb = await sbx.client.execute({
      code: py(
        'import os',
        'while True:',
        '    try:',
        '        os.fork()',
        '    except OSError:',
        '        pass',
      ),
      timeoutMs: 1_000,
    });
    expect(['TIMEOUT', 'ERROR']).toContain(bomb.status);
    expect(sbx.leftovers()).toEqual([]);
    const env = await sbx.client.execute({ code: 'import os\nprint(dict(os.environ))' });
    expect(env.stdout).not.toContain(SERVICE_SECRET);
    const parent = await sbx.client.execute({ code: 'import os\nos.kill(os.getppid(), 9)' });
    expect(parent.stderr).toContain('PermissionError');
    await expect(sbx.client.execute({ code: 'print(6 * 7)' })).resolves.toMatchObject({
      stdout: '42\n',
    });
    expect(await sbx.metric('rstar_sandbox_forkserver_restarts_total')).toBe(0);
  });
});

describe('rstar-fleet sandbox: supervision and shutdown', () => {
  it('replaces a killed fork-server without failing executions on the other one', async () => {
    const sbx = await startSandboxProcess();
    try {
      const bystander = sbx.client.execute({
        code: 'import time\ntime.sleep(1)\nprint("unharmed")',
      });
      await new Promise((r) => setTimeout(r, 200));
      // The idle fork-server: a launcher process of the service whose namespace runs no program.
      const launchers = readFileSync(`/proc/${sbx.pid}/task/${sbx.pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number);
      expect(launchers).toHaveLength(2);
      const leaves = (pid: number): number =>
        readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter(Boolean).length;
      const idle = launchers.find((pid) => {
        const [inner] = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .map(Number);
        return inner !== undefined && leaves(inner) === 0;
      });
      expect(idle).toBeDefined();
      process.kill(idle!, 'SIGKILL');
      await expect(bystander).resolves.toMatchObject({ status: 'OK', stdout: 'unharmed\n' });
      await eventually(
        async () =>
          (await sbx.metric('rstar_sandbox_forkserver_restarts_total', { reason: 'crashed' })) ===
          1,
      );
      await eventually(async () => (await sbx.metric('rstar_sandbox_pool_size')) === 2, 20_000);
      const after = await Promise.all(
        [1, 2, 3, 4].map((i) => sbx.client.execute({ code: `print(${i})` })),
      );
      expect(after.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n']);
      expect(sbx.logs.some((l) => l.includes('fork-server exited; replacing it'))).toBe(true);
    } finally {
      await sbx.stop();
    }
  });

  it('fails a call UNAVAILABLE, never an ERROR result, when its fork-server is killed under the program; the next call runs', async () => {
    const sbx = await startSandboxProcess({ workers: 1 });
    try {
      const children = (pid: number): number[] =>
        readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map(Number);
      const call = callError(
        sbx.client.execute({ code: 'import time\ntime.sleep(30)', timeoutMs: 60_000 }),
      );
      // The fork-server (PID 1 of its launcher's namespace), once it runs the program.
      let forkServer: number | undefined;
      await eventually(() => {
        const [launcher] = children(sbx.pid);
        const [inner] = launcher === undefined ? [] : children(launcher);
        if (inner === undefined || children(inner).length === 0) return false;
        forkServer = inner;
        return true;
      }, 20_000);
      process.kill(forkServer!, 'SIGKILL');
      const err = await call;
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toContain('fork-server 0 died while running the program');
      await eventually(
        async () =>
          (await sbx.metric('rstar_sandbox_forkserver_restarts_total', { reason: 'crashed' })) ===
          1,
        20_000,
      );
      await expect(sbx.client.execute({ code: 'print("back")' })).resolves.toMatchObject({
        status: 'OK',
        stdout: 'back\n',
      });
      expect(sbx.leftovers()).toEqual([]);
    } finally {
      await sbx.stop();
    }
  });

  it('health is NOT_SERVING while no fork-server is ready, SERVING again once replaced', async () => {
    const sbx = await startSandboxProcess({ workers: 1 });
    try {
      const [launcher] = readFileSync(`/proc/${sbx.pid}/task/${sbx.pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number);
      const seen: string[] = [];
      process.kill(launcher!, 'SIGKILL');
      await eventually(async () => {
        seen.push(await sbx.client.checkHealth(''));
        const down = seen.indexOf('NOT_SERVING');
        return down >= 0 && seen.lastIndexOf('SERVING') > down;
      }, 20_000);
      await expect(sbx.client.execute({ code: 'print("back")' })).resolves.toMatchObject({
        stdout: 'back\n',
      });
    } finally {
      await sbx.stop();
    }
  });

  it('SIGTERM: NOT_SERVING, in-flight executions finish, new calls are refused, clean exit', async () => {
    const sbx = await startSandboxProcess();
    const inflight = sbx.client.execute({ code: 'import time\ntime.sleep(1)\nprint("finished")' });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    sbx.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const late = await callError(sbx.client.execute({ code: 'print("too late")' }));
    expect(late.code).toBe('UNAVAILABLE');
    const exited = sbx.stop();
    await expect(inflight).resolves.toMatchObject({ status: 'OK', stdout: 'finished\n' });
    await expect(exited).resolves.toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    const order = ['sandbox shutting down: NOT_SERVING, draining', 'sandbox stopped'];
    const positions = order.map((msg) => sbx.logs.findIndex((l) => l.includes(msg)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions[0]).toBeLessThan(positions[1]!);
    expect(sbx.logs.some((l) => l.includes('"drained":true'))).toBe(true);
    expect(sbx.leftovers()).toEqual([]);
  });

  it('serves /livez and /readyz beside /metrics; /readyz says 503 from the moment it drains', async () => {
    const sbx = await startSandboxProcess();
    const get = async (path: string): Promise<number> =>
      (await fetch(`http://127.0.0.1:${sbx.metricsPort}${path}`)).status;
    try {
      expect(await get('/livez')).toBe(200);
      expect(await get('/readyz')).toBe(200);
      expect(await sbx.metrics()).toMatch(/rstar_sandbox_pool_size\{service="sandbox"\} \d/);
      const inflight = sbx.client.execute({ code: 'import time\ntime.sleep(1)\nprint("done")' });
      await new Promise((r) => setTimeout(r, 200));
      sbx.signal('SIGTERM');
      // Draining: the HTTP side still answers, and tells a load balancer to stop sending.
      await eventually(async () => (await get('/readyz')) === 503, 2_000);
      expect(await get('/livez')).toBe(200);
      await expect(inflight).resolves.toMatchObject({ status: 'OK', stdout: 'done\n' });
    } finally {
      await sbx.stop();
    }
  });

  it('SIGTERM with a program outliving the grace period: forced, bounded, nothing left', async () => {
    const sbx = await startSandboxProcess({ args: ['--shutdown-grace-ms=300'] });
    const stuck = callError(
      sbx.client.execute({ code: 'import time\ntime.sleep(30)', timeoutMs: 60_000 }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await expect(sbx.stop()).resolves.toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(['CANCELLED', 'UNAVAILABLE']).toContain((await stuck).code);
    expect(sbx.logs.some((l) => l.includes('"drained":false'))).toBe(true);
    expect(sbx.leftovers()).toEqual([]);
  });
});
