import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { SERVICE_SECRET, type SandboxProcess, py, startSandboxProcess } from './harness';

// Hostile programs against a real `rstar-fleet sandbox` process with every isolation layer this
// host allows. After each one the service must be healthy, the next execution correct, no process
// of the sandbox uids left, no fork-server replaced, and nothing outside the execution changed.
let sbx: SandboxProcess;
let hostDir: string;
let canary: string;
const CANARY_TEXT = 'untouched\n';

beforeAll(async () => {
  sbx = await startSandboxProcess();
  hostDir = mkdtempSync('/tmp/rstar-hostile-');
  canary = join(hostDir, 'canary.txt');
  writeFileSync(canary, CANARY_TEXT);
});

afterAll(async () => {
  await sbx?.stop();
  rmSync(hostDir, { recursive: true, force: true });
});

afterEach(async () => {
  await expect(sbx.client.checkHealth('')).resolves.toBe('SERVING');
  await expect(sbx.client.execute({ code: 'print(6 * 7)' })).resolves.toMatchObject({
    status: 'OK',
    stdout: '42\n',
  });
  expect(sbx.leftovers()).toEqual([]);
  expect(await sbx.metric('rstar_sandbox_forkserver_restarts_total')).toBe(0);
  expect(readFileSync(canary, 'utf8')).toBe(CANARY_TEXT);
  expect(readdirSync(hostDir)).toEqual(['canary.txt']);
});

/** Runs `code` on one slot while a trivial program runs on the other; returns both. */
async function withBystander(code: string, timeoutMs: number, memoryMb?: number) {
  const hostile = sbx.client.execute({ code, timeoutMs, memoryMb });
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  const bystander = await sbx.client.execute({ code: 'print("alive")' });
  const bystanderMs = Date.now() - started;
  return { hostile: await hostile, bystander, bystanderMs };
}

describe('sandbox: hostile programs', () => {
  it('infinite loop: stopped at the wall-clock limit', async () => {
    const r = await sbx.client.execute({ code: 'while True:\n    pass', timeoutMs: 1_000 });
    expect(r.status).toBe('TIMEOUT');
    expect(r.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(r.durationMs).toBeLessThan(2_500);
    expect(r.stderr).toContain('wall-clock limit of 1000 ms');
  });

  it('CPU burn in several threads: stopped, and cannot starve the other slot', async () => {
    const code = py(
      'import threading',
      'def burn():',
      '    while True:',
      '        pass',
      'for _ in range(8):',
      '    threading.Thread(target=burn, daemon=True).start()',
      'burn()',
    );
    const { hostile, bystander, bystanderMs } = await withBystander(code, 1_500);
    expect(hostile.status).toBe('TIMEOUT');
    expect(bystander).toMatchObject({ status: 'OK', stdout: 'alive\n' });
    expect(bystanderMs).toBeLessThan(1_000);
  });

  it('fork bomb: contained by the per-slot process limit, every process killed', async () => {
    const code = py(
      'import os, sys, time',
      'told = False',
      'while True:',
      '    try:',
      '        os.fork()',
      '    except OSError as e:',
      '        if not told:',
      '            print("fork refused:", e.strerror, flush=True)',
      '            told = True',
      '        time.sleep(0.001)',
    );
    const running = withBystander(code, 2_000);
    let most = 0;
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      most = Math.max(most, sbx.leftovers().length);
    }
    const { hostile, bystander, bystanderMs } = await running;
    expect(['TIMEOUT', 'ERROR']).toContain(hostile.status);
    // RLIMIT_NPROC of the slot's uid (64) refused further forks...
    expect(hostile.stdout).toContain('fork refused: Resource temporarily unavailable');
    // ...so the uid never ran much more than 64 processes (a /proc scan is not atomic: a process
    // exiting and its replacement can both be seen, hence the slack).
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(64 + 8);
    expect(bystander).toMatchObject({ status: 'OK', stdout: 'alive\n' });
    expect(bystanderMs).toBeLessThan(1_500);
  });

  it('memory bomb: MEMORY, at the limit', async () => {
    const grow = await sbx.client.execute({
      code: py('chunks = []', 'while True:', '    chunks.append(bytearray(10 ** 7))'),
      memoryMb: 256,
    });
    expect(grow.status).toBe('MEMORY');
    expect(grow.stderr).toContain('MemoryError');
    const huge = await sbx.client.execute({ code: 'x = bytearray(10 ** 12)', memoryMb: 256 });
    expect(huge.status).toBe('MEMORY');
    const numpy = await sbx.client.execute({
      code: 'import numpy as np\nm = np.ones((100_000, 100_000))',
      memoryMb: 256,
    });
    expect(numpy.status).toBe('MEMORY');
  });

  it('printing 100 MB: stopped while printing, output capped head and tail', async () => {
    const started = Date.now();
    const r = await sbx.client.execute({ code: 'import sys\nsys.stdout.write("x" * 100_000_000)' });
    expect(r.status).toBe('OUTPUT_LIMIT');
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(1024 + 64);
    expect(r.stdout).toMatch(/^x+\n\[\.\.\. \d+ bytes truncated \.\.\.\]\nx+$/);
    expect(r.stderr).toContain('output exceeded');
    const lines = await sbx.client.execute({ code: 'while True:\n    print("y" * 1000)' });
    expect(lines.status).toBe('OUTPUT_LIMIT');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('writing outside its temp dir: refused everywhere, its own temp dir works', async () => {
    const targets = [
      canary,
      join(hostDir, 'new.txt'),
      '/tmp/rstar-hostile-escape.txt',
      '/etc/rstar-hostile',
      '/usr/lib/rstar-hostile',
      '/root/rstar-hostile',
      '/var/tmp/rstar-hostile',
      '/dev/shm/rstar-hostile',
      '/rstar-hostile',
    ];
    const r = await sbx.client.execute({
      code: py(
        'import os',
        `for path in ${JSON.stringify(targets)}:`,
        '    try:',
        '        with open(path, "a") as f:',
        '            f.write("pwned")',
        '        print("WROTE", path)',
        '    except OSError as e:',
        '        print("denied", type(e).__name__)',
        'with open("mine.txt", "w") as f:',
        '    f.write("ok")',
        'print("own dir", os.path.exists(os.path.join(os.getcwd(), "mine.txt")), os.getcwd() == os.environ["TMPDIR"])',
      ),
    });
    expect(r.status).toBe('OK');
    expect(r.stdout).not.toContain('WROTE');
    expect(r.stdout.match(/^denied/gm)).toHaveLength(targets.length);
    expect(r.stdout).toContain('own dir True True');
    for (const path of [
      '/tmp/rstar-hostile-escape.txt',
      '/etc/rstar-hostile',
      '/usr/lib/rstar-hostile',
    ]) {
      expect(existsSync(path)).toBe(false);
    }
  });

  it("reading the service's environment: no secret visible", async () => {
    const r = await sbx.client.execute({
      code: py(
        'import glob, os',
        'print(dict(os.environ))',
        'for path in ["/proc/self/environ", "/proc/1/environ", f"/proc/{os.getppid()}/environ"] + glob.glob("/proc/*/environ") + glob.glob("/proc/*/cmdline"):',
        '    try:',
        '        print(path, open(path, "rb").read())',
        '    except OSError as e:',
        '        print(path, "denied", type(e).__name__)',
      ),
    });
    expect(r.status).toBe('OK');
    expect(r.stdout).toContain("'PATH'");
    expect(r.stdout).not.toContain(SERVICE_SECRET);
    expect(r.stdout).not.toContain('SERVICE_API_TOKEN');
    expect(r.stdout).not.toContain('AWS_SECRET_ACCESS_KEY');
  });

  it('opening a TCP connection to a listener on 127.0.0.1: fails, nothing connects', async () => {
    const accepted: Socket[] = [];
    const listener: Server = createServer((s) => accepted.push(s));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    try {
      const r = await sbx.client.execute({
        code: py(
          'import socket',
          'for family, host in [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")]:',
          '    try:',
          '        s = socket.socket(family, socket.SOCK_STREAM)',
          '        s.settimeout(2)',
          `        s.connect((host, ${port}))`,
          '        print("CONNECTED", host)',
          '    except OSError as e:',
          '        print("blocked", host, type(e).__name__)',
          'try:',
          `    socket.create_connection(("localhost", ${port}), timeout=2)`,
          '    print("CONNECTED localhost")',
          'except OSError as e:',
          '    print("blocked localhost", type(e).__name__)',
        ),
        timeoutMs: 10_000,
      });
      expect(r.status).toBe('OK');
      expect(r.stdout).not.toContain('CONNECTED');
      expect(r.stdout.match(/^blocked/gm)).toHaveLength(3);
      expect(accepted).toHaveLength(0);
    } finally {
      accepted.forEach((s) => s.destroy());
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('killing its parent: not permitted; the fork-server survives', async () => {
    const r = await sbx.client.execute({
      code: 'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)',
    });
    expect(r.status).toBe('ERROR');
    expect(r.stderr).toContain('PermissionError');
    // kill(-1) reaches only processes of its own uid (and never the caller): there are none.
    const all = await sbx.client.execute({
      code: 'import os, signal\nos.kill(-1, signal.SIGKILL)',
    });
    expect(all.status).toBe('ERROR');
    expect(all.stderr).toContain('ProcessLookupError');
  });

  it('segfault through ctypes: ERROR with the signal', async () => {
    const r = await sbx.client.execute({ code: 'import ctypes\nctypes.string_at(0)' });
    expect(r).toMatchObject({ status: 'ERROR', exitCode: -11 });
    expect(r.stderr).toContain('SIGSEGV');
  });

  it('deep recursion: RecursionError, and a C-stack overflow when the limit is lifted', async () => {
    const recursion = py('def f(n):', '    return f(n + 1) + 1', 'f(0)');
    const plain = await sbx.client.execute({ code: recursion });
    expect(plain.status).toBe('ERROR');
    expect(plain.stderr).toContain('RecursionError: maximum recursion depth exceeded');
    // Python 3.11 keeps Python frames off the C stack; recursion inside C (repr) still uses it.
    const cStack = await sbx.client.execute({
      code: py(
        'import sys',
        'sys.setrecursionlimit(10 ** 8)',
        'x = []',
        'for _ in range(10 ** 6):',
        '    x = [x]',
        'repr(x)',
      ),
      timeoutMs: 10_000,
    });
    expect(cStack).toMatchObject({ status: 'ERROR', exitCode: -11 });
    expect(cStack.stderr).toContain('SIGSEGV');
  });

  it('leaving threads, children and a setsid daemon sleeping after it returns: all reaped', async () => {
    const r = await sbx.client.execute({
      code: py(
        'import os, subprocess, threading, time',
        'threading.Thread(target=time.sleep, args=(60,)).start()',
        'if os.fork() == 0:',
        '    time.sleep(60)',
        '    os._exit(0)',
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
    expect(r.durationMs).toBeLessThan(3_000);
  });

  it('reading stdin: immediate EOF, never a hang', async () => {
    const prompt = await sbx.client.execute({ code: 'x = input("number? ")', timeoutMs: 5_000 });
    expect(prompt.status).toBe('ERROR');
    expect(prompt.stderr).toContain('EOFError');
    const read = await sbx.client.execute({
      code: 'import sys\nprint(repr(sys.stdin.read()))',
      timeoutMs: 5_000,
    });
    expect(read).toMatchObject({ status: 'OK', stdout: "''\n" });
  });

  it('state set in one execution is not visible in the next', async () => {
    const set = py(
      'import builtins, math, os, sys, types',
      'math.pi = 3',
      'sys.modules["planted"] = types.ModuleType("planted")',
      'builtins.planted = True',
      'os.environ["PLANTED"] = "1"',
      'os.chdir(os.environ["TMPDIR"])',
      'open("planted.txt", "w").write("x")',
      'print(os.path.abspath("planted.txt"))',
    );
    const check = (path: string) =>
      py(
        'import builtins, math, os, sys',
        'print(math.pi > 3.14, "planted" in sys.modules, hasattr(builtins, "planted"),',
        `      "PLANTED" in os.environ, os.path.exists(${JSON.stringify(path)}))`,
      );
    for (let round = 0; round < 3; round++) {
      const planted = await sbx.client.execute({ code: set });
      expect(planted.status).toBe('OK');
      const checked = await sbx.client.execute({ code: check(planted.stdout.trim()) });
      expect(checked).toMatchObject({ status: 'OK', stdout: 'True False False False False\n' });
    }
  });

  it('escape attempts fail: setuid, namespaces, mount, ptrace, leaving its CPU', async () => {
    const r = await sbx.client.execute({
      code: py(
        'import ctypes, os',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'try:',
        '    os.setuid(0)',
        '    print("SETUID")',
        'except PermissionError:',
        '    print("setuid denied")',
        'print("unshare", libc.unshare(0x10000000), ctypes.get_errno())',
        'print("mount", libc.mount(b"none", b"/tmp", b"tmpfs", 0, None), ctypes.get_errno())',
        'print("ptrace", libc.ptrace(16, 1, None, None), ctypes.get_errno())',
        'try:',
        '    os.sched_setaffinity(0, range(os.cpu_count()))',
        '    print("AFFINITY")',
        'except PermissionError:',
        '    print("affinity denied")',
      ),
    });
    expect(r.status).toBe('OK');
    expect(r.stdout).toBe(
      'setuid denied\nunshare -1 1\nmount -1 1\nptrace -1 1\naffinity denied\n',
    );
  });
});
