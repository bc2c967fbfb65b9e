import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The ceiling of "a freshly forked child per execution" on this machine: a warm Python parent
 * (sympy imported and exercised, gc frozen) forks one child per program and reads its stdout —
 * with no isolation, no RPC and no supervision. The sandbox can only approach this number, so
 * it tells how much of the gap to the naive baseline the design itself allows.
 * Programs are the same as the sandbox benchmark's, and every output is checked.
 */
const FLOOR_SCRIPT = String.raw`
import gc, os, sys, time
kind, seconds, procs = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
import math, fractions
try:
    import sympy
    _x = sympy.symbols('x')
    sympy.solve(_x**2 - 5*_x + 6, _x)
except ImportError:
    pass
gc.freeze()

def program(i):
    if kind == 'trivial':
        return 'print(%d + 1)' % i, '%d\n' % (i + 1)
    a = 11 + i % 13
    b = a + 2 + i % 7
    code = 'import sympy\nx = sympy.symbols("x")\nprint(sympy.solve(x**2 - %d*x + %d, x))' % (a + b, a * b)
    return code, '[%d, %d]\n' % (a, b)

def worker(first, end):
    n, i = 0, first
    while time.monotonic() < end:
        code, expected = program(i)
        i += procs
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.dup2(w, 1)
            exec(compile(code, '<step>', 'exec'), {'__name__': '__main__'})
            sys.stdout.flush()
            os._exit(0)
        os.close(w)
        out = b''
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            out += chunk
        os.close(r)
        os.waitpid(pid, 0)
        if out.decode() != expected:
            sys.exit('unexpected output %r' % out)
        n += 1
    return n

start = time.monotonic()
end = start + seconds
results, kids = [], []
for k in range(procs):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, str(worker(k, end)).encode())
        os._exit(0)
    os.close(w)
    kids.append((pid, r))
total = 0
for pid, r in kids:
    total += int(os.read(r, 64) or b'0')
    os.waitpid(pid, 0)
print(total / (time.monotonic() - start))
`;

/** Executions per second of the bare fork floor for `kind`, with `procs` parallel forkers. */
export async function bareForkFloor(
  python: string,
  kind: 'trivial' | 'sympy',
  seconds: number,
  procs: number,
): Promise<number> {
  const { stdout } = await run(python, ['-c', FLOOR_SCRIPT, kind, String(seconds), String(procs)], {
    timeout: (seconds + 60) * 1000,
  });
  const perSecond = Number(stdout.trim());
  if (!Number.isFinite(perSecond) || perSecond <= 0) {
    throw new Error(`bare fork floor (${kind}): unexpected output ${JSON.stringify(stdout)}`);
  }
  return perSecond;
}
