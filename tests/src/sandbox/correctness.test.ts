import { join } from 'node:path';
import { Client, type ServiceDefinition, credentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { SANDBOX_SERVICE_NAME, SandboxCallError } from '@rstar-fleet/protocol/sandbox';
import { type SandboxProcess, py, startSandboxProcess } from './harness';

// A real `rstar-fleet sandbox` process, real Python (Debian's /usr/bin/python3 with sympy), real
// gRPC. If Python or sympy is missing these tests fail: nothing is skipped.
let sbx: SandboxProcess;

beforeAll(async () => {
  sbx = await startSandboxProcess();
});

afterAll(async () => {
  await sbx?.stop();
});

describe('sandbox: correct programs give correct results', () => {
  it('prints', async () => {
    const r = await sbx.client.execute({ code: py('print("hello")', 'print(1, 2, sep="-")') });
    expect(r).toMatchObject({
      status: 'OK',
      stdout: 'hello\n1-2\n',
      stderr: '',
      exitCode: 0,
      truncated: false,
    });
  });

  it('runs multi-line programs with functions, loops and comprehensions', async () => {
    const r = await sbx.client.execute({
      code: py(
        '# total of the first ten squares',
        'def square(n):',
        '    return n * n',
        '',
        'total = 0',
        'for k in range(1, 11):',
        '    total += square(k)',
        'print(f"total={total}", [square(i) for i in range(4)])',
      ),
    });
    expect(r).toMatchObject({ status: 'OK', stdout: 'total=385 [0, 1, 4, 9]\n' });
  });

  it('solves equations with sympy (preloaded), and numpy works', async () => {
    const r = await sbx.client.execute({
      code: py(
        'import sympy as sp',
        'x, y = sp.symbols("x y")',
        'print(sp.solve(x**2 - 7*x + 12, x))',
        'print(sp.solve([2*x + y - 5, x - y + 2], [x, y]))',
        'print(sp.Rational(1, 3) + sp.Rational(1, 6))',
        'import numpy as np',
        'print(np.linalg.solve(np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([3.0, 5.0])).round(3))',
      ),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe('OK');
    expect(r.stdout).toBe('[3, 4]\n{x: 1, y: 3}\n1/2\n[0.8 1.4]\n');
  });

  it('reports exceptions as ERROR with the traceback tail in stderr', async () => {
    const r = await sbx.client.execute({
      code: py(
        'def inner(v):',
        '    raise ValueError(f"bad value {v}")',
        '',
        'def outer():',
        '    inner(41 + 1)',
        '',
        'outer()',
      ),
    });
    expect(r.status).toBe('ERROR');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Traceback (most recent call last):');
    expect(r.stderr).toContain('line 5, in outer');
    expect(r.stderr).toContain('raise ValueError(f"bad value {v}")');
    expect(r.stderr.trimEnd().endsWith('ValueError: bad value 42')).toBe(true);
  });

  it('keeps the tail of a long traceback when stderr is capped', async () => {
    const r = await sbx.client.execute({
      code: py(
        'def f(n):',
        '    if n == 0:',
        '        raise RuntimeError("deep end")',
        '    f(n - 1)',
        'f(40)',
      ),
      maxOutputBytes: 300,
    });
    expect(r.status).toBe('ERROR');
    expect(r.truncated).toBe(true);
    expect(r.stderr).toMatch(/^\[\.\.\. \d+ bytes truncated \.\.\.\]\n/);
    expect(r.stderr.trimEnd().endsWith('RuntimeError: deep end')).toBe(true);
    expect(Buffer.byteLength(r.stderr)).toBeLessThan(300 + 64);
  });

  it('reports SyntaxError as ERROR', async () => {
    const r = await sbx.client.execute({ code: 'print("unclosed"\n' });
    expect(r.status).toBe('ERROR');
    expect(r.stderr).toContain('SyntaxError');
  });

  it('treats sys.exit codes as the exit status', async () => {
    await expect(sbx.client.execute({ code: 'import sys\nsys.exit(3)' })).resolves.toMatchObject({
      status: 'ERROR',
      exitCode: 3,
    });
    await expect(
      sbx.client.execute({ code: 'import sys\nprint("ok")\nsys.exit(0)' }),
    ).resolves.toMatchObject({
      status: 'OK',
      stdout: 'ok\n',
      exitCode: 0,
    });
    const message = await sbx.client.execute({ code: 'import sys\nsys.exit("giving up")' });
    expect(message).toMatchObject({ status: 'ERROR', exitCode: 1 });
    expect(message.stderr).toContain('giving up');
  });

  it('round-trips unicode output', async () => {
    const text = 'héllo wörld ✓ 数学 π≈3.14159 🚀';
    const r = await sbx.client.execute({
      code: `print(${JSON.stringify(text)})\nprint("\\udcff")`,
    });
    expect(r.status).toBe('OK');
    expect(r.stdout).toBe(`${text}\n\\udcff\n`);
  });

  it('runs cumulative code: functions defined by an earlier step are used by a later one', async () => {
    const step1 = py(
      'import math',
      '# area of a circle',
      'def area(r):',
      '    return math.pi * r * r',
    );
    const step2 = py('a = area(2)', 'print(round(a, 4))');
    const step3 = py('print(round(area(1) + a, 4))');
    await expect(sbx.client.execute({ code: step1 + step2 })).resolves.toMatchObject({
      status: 'OK',
      stdout: '12.5664\n',
    });
    await expect(sbx.client.execute({ code: step1 + step2 + step3 })).resolves.toMatchObject({
      status: 'OK',
      stdout: '12.5664\n15.708\n',
    });
    // Each execution starts from scratch: the later step alone knows nothing of the earlier one.
    const alone = await sbx.client.execute({ code: step2 });
    expect(alone.status).toBe('ERROR');
    expect(alone.stderr).toContain("NameError: name 'area' is not defined");
  });

  it('caps stdout while keeping its head and tail', async () => {
    const r = await sbx.client.execute({
      code: 'for i in range(10000):\n    print(i)',
      maxOutputBytes: 100,
    });
    expect(r.status).toBe('OK');
    expect(r.truncated).toBe(true);
    expect(r.stdout.startsWith('0\n1\n2\n')).toBe(true);
    expect(r.stdout.endsWith('9998\n9999\n')).toBe(true);
    expect(r.stdout).toMatch(/\[\.\.\. \d+ bytes truncated \.\.\.\]/);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(100 + 64);
  });

  it('measures the duration of the execution', async () => {
    const r = await sbx.client.execute({ code: 'import time\ntime.sleep(0.2)' });
    expect(r.status).toBe('OK');
    expect(r.durationMs).toBeGreaterThanOrEqual(200);
    expect(r.durationMs).toBeLessThan(2_000);
  });

  it('returns batch responses in request order', async () => {
    const codes = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? `import time\ntime.sleep(0.05)\nprint(${i})`
        : i % 3 === 1
          ? `print(${i})`
          : `raise SystemExit(${i})`,
    );
    const responses = await sbx.client.executeBatch(codes.map((code) => ({ code })));
    expect(responses).toHaveLength(12);
    responses.forEach((r, i) => {
      if (i % 3 === 2) expect(r).toMatchObject({ status: 'ERROR', exitCode: i });
      else expect(r).toMatchObject({ status: 'OK', stdout: `${i}\n` });
    });
  });
});

describe('sandbox: bad requests are gRPC errors, with the field named', () => {
  const refused = async (call: Promise<unknown>): Promise<SandboxCallError> => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SandboxCallError);
    return err as SandboxCallError;
  };

  it('rejects empty code', async () => {
    const err = await refused(sbx.client.execute({ code: '' }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('field code: code is empty');
  });

  it('rejects limits above the maxima', async () => {
    const err = await refused(sbx.client.execute({ code: 'print(1)', timeoutMs: 3_600_000 }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('timeout_ms');
    const inBatch = await refused(
      sbx.client.executeBatch([{ code: 'print(1)' }, { code: 'print(2)', memoryMb: 1 << 20 }]),
    );
    expect(inBatch.code).toBe('INVALID_ARGUMENT');
    expect(inBatch.message).toContain('requests[1].memory_mb');
  });

  it('rejects oversized code and oversized batches', async () => {
    const big = await refused(sbx.client.execute({ code: `x = "${'a'.repeat(300 * 1024)}"` }));
    expect(big.code).toBe('INVALID_ARGUMENT');
    expect(big.message).toContain('bytes, more than the 262144 allowed');
    const many = await refused(
      sbx.client.executeBatch(Array.from({ length: 65 }, () => ({ code: 'pass' }))),
    );
    expect(many.code).toBe('INVALID_ARGUMENT');
    expect(many.message).toContain('more than the 64 allowed');
    const none = await refused(sbx.client.executeBatch([]));
    expect(none.code).toBe('INVALID_ARGUMENT');
  });
});

describe('sandbox: standard services and metrics', () => {
  it('serves grpc.health.v1 for the server and the sandbox service', async () => {
    await expect(sbx.client.checkHealth('')).resolves.toBe('SERVING');
    await expect(sbx.client.checkHealth(SANDBOX_SERVICE_NAME)).resolves.toBe('SERVING');
  });

  it('serves reflection listing the sandbox and health services', async () => {
    const reflectionProto = join(
      require.resolve('@grpc/reflection'),
      '..',
      '..',
      'proto',
      'grpc',
      'reflection',
      'v1',
      'reflection.proto',
    );
    const definition = loadSync(reflectionProto, { keepCase: true });
    const service = definition['grpc.reflection.v1.ServerReflection'] as ServiceDefinition;
    const method = service['ServerReflectionInfo']!;
    const client = new Client(`127.0.0.1:${sbx.grpcPort}`, credentials.createInsecure());
    const names = await new Promise<string[]>((resolve, reject) => {
      const stream = client.makeBidiStreamRequest<
        object,
        { list_services_response?: { service: Array<{ name: string }> } }
      >(method.path, method.requestSerialize, method.responseDeserialize);
      stream.on(
        'data',
        (msg: { list_services_response?: { service: Array<{ name: string }> } }) => {
          resolve(msg.list_services_response?.service.map((s) => s.name) ?? []);
          stream.end();
        },
      );
      stream.on('error', reject);
      stream.write({ list_services: '' });
    });
    client.close();
    expect(names).toEqual(expect.arrayContaining([SANDBOX_SERVICE_NAME, 'grpc.health.v1.Health']));
  });

  it('exports executions by status, latency, pool size, busy workers, queue length, restarts', async () => {
    const okBefore = await sbx.metric('rstar_sandbox_executions_total', { status: 'OK' });
    const errBefore = await sbx.metric('rstar_sandbox_executions_total', { status: 'ERROR' });
    await sbx.client.execute({ code: 'print(1)' });
    await sbx.client.execute({ code: '1/0' });
    expect(await sbx.metric('rstar_sandbox_executions_total', { status: 'OK' })).toBe(okBefore + 1);
    expect(await sbx.metric('rstar_sandbox_executions_total', { status: 'ERROR' })).toBe(
      errBefore + 1,
    );
    const text = await sbx.metrics();
    for (const name of [
      'rstar_sandbox_execution_duration_seconds_bucket',
      'rstar_sandbox_queue_wait_seconds_bucket',
      'rstar_sandbox_pool_size',
      'rstar_sandbox_pool_busy',
      'rstar_sandbox_queue_length',
      'rstar_sandbox_forkserver_restarts_total',
      'rstar_sandbox_isolation_layer_active',
      'rstar_sandbox_grpc_requests_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(await sbx.metric('rstar_sandbox_pool_size')).toBe(2);
    expect(await sbx.metric('rstar_sandbox_pool_busy')).toBe(0);
    expect(await sbx.metric('rstar_sandbox_queue_length')).toBe(0);
  });
});
