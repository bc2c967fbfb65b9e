import type { ExecuteRequest, ExecuteResponse } from '@rstar-fleet/protocol/sandbox';
import { SandboxCallError } from '@rstar-fleet/protocol/sandbox';
import { type SandboxProcess, py, startSandboxProcess } from './harness';

/** The i-th program of a mix of fast, slow and hostile ones, and what it must produce. */
function program(i: number): { request: ExecuteRequest; check: (r: ExecuteResponse) => void } {
  switch (i % 10) {
    case 6:
      return {
        request: { code: py('import time', 'time.sleep(0.2)', `print("slow", ${i})`) },
        check: (r) => expect(r).toMatchObject({ status: 'OK', stdout: `slow ${i}\n` }),
      };
    case 7:
      return {
        request: { code: `i = ${i}\nwhile True:\n    i += 1`, timeoutMs: 300 },
        check: (r) => expect(r.status).toBe('TIMEOUT'),
      };
    case 8:
      return {
        request: {
          code: py('hog = []', 'while True:', '    hog.append(bytearray(10 ** 7))'),
          memoryMb: 128,
        },
        check: (r) => expect(r.status).toBe('MEMORY'),
      };
    case 9:
      return {
        request: { code: `raise ValueError(${i})` },
        check: (r) => {
          expect(r.status).toBe('ERROR');
          expect(r.stderr).toContain(`ValueError: ${i}`);
        },
      };
    default:
      return {
        request: { code: `import sympy\nprint(${i}, sympy.Integer(${i}) ** 2)` },
        check: (r) => expect(r).toMatchObject({ status: 'OK', stdout: `${i} ${i * i}\n` }),
      };
  }
}

describe('sandbox under concurrency (2 fork-servers)', () => {
  let sbx: SandboxProcess;

  beforeAll(async () => {
    sbx = await startSandboxProcess();
  });

  afterAll(async () => {
    await sbx?.stop();
  });

  afterEach(async () => {
    expect(sbx.leftovers()).toEqual([]);
    expect(await sbx.metric('rstar_sandbox_forkserver_restarts_total')).toBe(0);
    expect(await sbx.metric('rstar_sandbox_queue_length')).toBe(0);
    expect(await sbx.metric('rstar_sandbox_pool_busy')).toBe(0);
  });

  it('200 concurrent executions, fast, slow and hostile: every result correct', async () => {
    const programs = Array.from({ length: 200 }, (_, i) => program(i));
    const responses = await Promise.all(programs.map((p) => sbx.client.execute(p.request)));
    responses.forEach((r, i) => programs[i]!.check(r));
  });

  it('200 executions as 25 concurrent batches of 8 siblings: results in request order', async () => {
    const programs = Array.from({ length: 200 }, (_, i) => program(i + 1));
    const batches = Array.from({ length: 25 }, (_, b) => programs.slice(b * 8, b * 8 + 8));
    const responses = await Promise.all(
      batches.map((batch) => sbx.client.executeBatch(batch.map((p) => p.request))),
    );
    responses.forEach((batch, b) => {
      expect(batch).toHaveLength(8);
      batch.forEach((r, k) => batches[b]![k]!.check(r));
    });
  });
});

describe('sandbox overload and cancellation (1 fork-server, queue of 3)', () => {
  let sbx: SandboxProcess;

  beforeAll(async () => {
    sbx = await startSandboxProcess({ workers: 1, args: ['--queue-limit=3'] });
  });

  afterAll(async () => {
    await sbx?.stop();
  });

  afterEach(() => {
    expect(sbx.leftovers()).toEqual([]);
  });

  const error = async (call: Promise<unknown>): Promise<SandboxCallError> => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SandboxCallError);
    return err as SandboxCallError;
  };

  it('refuses with RESOURCE_EXHAUSTED when the bounded queue is full; admitted work completes', async () => {
    const before = await sbx.metric('rstar_sandbox_rejected_total', { reason: 'queue_full' });
    const admitted = [0, 1, 2, 3].map((i) =>
      sbx.client.execute({ code: `import time\ntime.sleep(0.3)\nprint(${i})` }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const refused = await error(sbx.client.execute({ code: 'print("one too many")' }));
    expect(refused.code).toBe('RESOURCE_EXHAUSTED');
    const batch = await error(
      sbx.client.executeBatch([{ code: 'print(1)' }, { code: 'print(2)' }]),
    );
    expect(batch.code).toBe('RESOURCE_EXHAUSTED');
    const results = await Promise.all(admitted);
    expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n']);
    expect(await sbx.metric('rstar_sandbox_rejected_total', { reason: 'queue_full' })).toBe(
      before + 2,
    );
  });

  it('client cancellation stops the running program', async () => {
    const controller = new AbortController();
    const loop = sbx.client.execute(
      { code: 'while True:\n    pass', timeoutMs: 60_000 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    expect((await error(loop)).code).toBe('CANCELLED');
    const started = Date.now();
    await expect(sbx.client.execute({ code: 'print("next")' })).resolves.toMatchObject({
      stdout: 'next\n',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a passed deadline stops the running program, and queued work behind it runs', async () => {
    const sleeper = sbx.client.execute(
      { code: 'import time\ntime.sleep(30)' },
      { deadlineMs: 400 },
    );
    const started = Date.now();
    const behind = sbx.client.execute({ code: 'print("behind")' });
    expect((await error(sleeper)).code).toBe('DEADLINE_EXCEEDED');
    await expect(behind).resolves.toMatchObject({ stdout: 'behind\n' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('a cancelled queued execution never runs', async () => {
    const executed = async () =>
      (await sbx.metrics())
        .split('\n')
        .filter((l) => l.startsWith('rstar_sandbox_executions_total'))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    const before = await executed();
    const blocker = sbx.client.execute({ code: 'import time\ntime.sleep(0.5)' });
    await new Promise((r) => setTimeout(r, 100));
    const controller = new AbortController();
    const queued = sbx.client.execute(
      { code: 'print("should not run")' },
      { signal: controller.signal },
    );
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    expect((await error(queued)).code).toBe('CANCELLED');
    await blocker;
    expect(await executed()).toBe(before + 1);
  });
});
