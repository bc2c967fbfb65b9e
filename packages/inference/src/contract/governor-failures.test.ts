import { Registry } from 'prom-client';
import { PolicyClient } from '../policy/policy-client';
import { RewardClient } from '../reward/reward-client';
import { FakeInferenceServer } from '../testing';
import type { FakeDialect } from '../testing';
import { expandRequest, fastGovernor, metricValue } from './setup';

const LABELS = { endpoint: 'e0', role: 'policy' };

async function setup(dialect: FakeDialect = 'vllm', governor = fastGovernor()) {
  const server = await FakeInferenceServer.start({ dialect });
  const registry = new Registry();
  const client = new PolicyClient({
    dialect: dialect === 'openai' ? 'openai' : dialect,
    model: 'm',
    endpoints: [{ url: server.url, name: 'e0' }],
    sampling: { maxTokens: 32 },
    governor,
    registry,
  });
  return { server, registry, client };
}

describe('governor failure handling (real HTTP)', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;

  afterEach(async () => {
    await ctx.client.close();
    await ctx.server.close();
  });

  it('retries a 429 and succeeds, counting the retry', async () => {
    ctx = await setup();
    ctx.server.inject({ kind: 'status', status: 429, message: 'Too Many Requests' });
    const out = await ctx.client.expand(expandRequest('Q\n', 2));
    expect(out).toHaveLength(2);
    expect(ctx.server.posts()).toHaveLength(2);
    expect(await metricValue(ctx.registry, 'rstar_inference_retries_total', LABELS)).toBe(1);
    expect(
      await metricValue(ctx.registry, 'rstar_inference_errors_total', {
        ...LABELS,
        kind: 'http_429',
      }),
    ).toBe(1);
  });

  it("waits at least the server's Retry-After before retrying", async () => {
    ctx = await setup('vllm', fastGovernor({ retries: { maxDelayMs: 1000 }, random: () => 0 }));
    ctx.server.inject({ kind: 'status', status: 429, message: 'slow down', retryAfter: '0.15' });
    const started = Date.now();
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).resolves.toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(ctx.server.posts()).toHaveLength(2);
  });

  it('gives up after maxRetries 429s with RESOURCE_EXHAUSTED', async () => {
    ctx = await setup('sglang', fastGovernor({ retries: { maxRetries: 2 } }));
    const busy = { kind: 'status', status: 429, message: 'queue full', retryAfter: '0' } as const;
    ctx.server.inject(busy, busy, busy, busy);
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).rejects.toMatchObject({
      name: 'InferenceOverloadedError',
      code: 'RESOURCE_EXHAUSTED',
    });
    expect(ctx.server.posts()).toHaveLength(3);
    expect(await metricValue(ctx.registry, 'rstar_inference_retries_total', LABELS)).toBe(2);
  });

  it('retries 503 and recovers; exhausting retries on 5xx is UNAVAILABLE', async () => {
    ctx = await setup('llamacpp');
    ctx.server.inject({
      kind: 'status',
      status: 503,
      message: 'Loading model',
      type: 'unavailable_error',
    });
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).resolves.toHaveLength(1);
    expect(ctx.server.posts()).toHaveLength(2);
    const down = { kind: 'status', status: 500, message: 'boom' } as const;
    ctx.server.inject(down, down, down, down);
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).rejects.toMatchObject({
      name: 'InferenceUnavailableError',
      code: 'UNAVAILABLE',
      status: 500,
    });
    expect(ctx.server.posts()).toHaveLength(6);
  });

  it('retries a connection reset', async () => {
    ctx = await setup();
    ctx.server.inject({ kind: 'reset' }, { kind: 'reset' });
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).resolves.toHaveLength(1);
    expect(ctx.server.posts()).toHaveLength(3);
    expect(
      await metricValue(ctx.registry, 'rstar_inference_errors_total', {
        ...LABELS,
        kind: 'connection',
      }),
    ).toBe(2);
  });

  it('cuts a slow answer at its deadline and retries it (the retry answers in time)', async () => {
    ctx = await setup('vllm', fastGovernor({ deadline: { baseMs: 100, adaptive: false } }));
    ctx.server.inject({ kind: 'delay', ms: 1000 });
    const started = Date.now();
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).resolves.toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(900);
    expect(ctx.server.posts()).toHaveLength(2);
    expect(
      await metricValue(ctx.registry, 'rstar_inference_errors_total', {
        ...LABELS,
        kind: 'timeout',
      }),
    ).toBe(1);
  });

  it('fails with DEADLINE_EXCEEDED when every attempt is too slow', async () => {
    ctx = await setup(
      'vllm',
      fastGovernor({ retries: { maxRetries: 1 }, deadline: { baseMs: 100, adaptive: false } }),
    );
    ctx.server.inject({ kind: 'delay', ms: 1000 }, { kind: 'delay', ms: 1000 });
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).rejects.toMatchObject({
      name: 'InferenceDeadlineError',
      code: 'DEADLINE_EXCEEDED',
      deadlineMs: 100,
    });
    expect(ctx.server.posts()).toHaveLength(2);
  });

  it('derives the deadline from the request size', async () => {
    ctx = await setup(
      'vllm',
      fastGovernor({ deadline: { baseMs: 50, perOutputTokenMs: 10, perInputCharMs: 1 } }),
    );
    // 50 + 32 tokens × 10 + 3 chars × 1 = 373 ms: a 200 ms answer is in time.
    ctx.server.inject({ kind: 'delay', ms: 200 });
    await expect(ctx.client.expand(expandRequest('Q\n\n', 1))).resolves.toHaveLength(1);
  });

  it('reports malformed JSON as UNAVAILABLE without retrying', async () => {
    ctx = await setup();
    ctx.server.inject({ kind: 'raw', status: 200, body: '{"choices": [{"text": "x", ' });
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).rejects.toMatchObject({
      name: 'InferenceMalformedError',
      code: 'UNAVAILABLE',
    });
    expect(ctx.server.posts()).toHaveLength(1);
    expect(
      await metricValue(ctx.registry, 'rstar_inference_errors_total', {
        ...LABELS,
        kind: 'malformed',
      }),
    ).toBe(1);
  });

  it('never retries a 400', async () => {
    ctx = await setup();
    ctx.server.inject({
      kind: 'status',
      status: 400,
      message: 'temperature must be non-negative, got -1.0.',
      type: 'BadRequestError',
    });
    const err: unknown = await ctx.client.expand(expandRequest('Q\n', 1)).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'InferenceRequestError',
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    expect((err as Error).message).toContain('temperature must be non-negative');
    expect(ctx.server.posts()).toHaveLength(1);
    expect(await metricValue(ctx.registry, 'rstar_inference_retries_total', LABELS)).toBe(0);
  });

  it('cancels an in-flight request when the signal aborts', async () => {
    ctx = await setup('vllm', fastGovernor({ deadline: { baseMs: 5000 } }));
    ctx.server.inject({ kind: 'delay', ms: 3000 });
    const controller = new AbortController();
    const pending = ctx.client.expand(expandRequest('Q\n', 1, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    await expect(pending).rejects.toMatchObject({
      name: 'InferenceCancelledError',
      code: 'CANCELLED',
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ctx.server.posts()).toHaveLength(1);
  });

  it('cancels during the backoff between retries', async () => {
    ctx = await setup(
      'vllm',
      fastGovernor({ retries: { baseDelayMs: 5000, maxDelayMs: 5000 }, random: () => 0.99 }),
    );
    ctx.server.inject({ kind: 'status', status: 503 });
    const controller = new AbortController();
    const pending = ctx.client.expand(expandRequest('Q\n', 1, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(ctx.server.posts()).toHaveLength(1);
  });

  it('cancels a fan-out as a whole (llama.cpp)', async () => {
    ctx = await setup('llamacpp', fastGovernor({ deadline: { baseMs: 5000 } }));
    ctx.server.inject(
      { kind: 'delay', ms: 2000 },
      { kind: 'delay', ms: 2000 },
      { kind: 'delay', ms: 2000 },
    );
    const controller = new AbortController();
    const pending = ctx.client.expand(expandRequest('Q\n', 3, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 50));
    // Every request closed (llama.cpp itself generates on until it checks the connection).
    expect(ctx.server.open).toBe(0);
  });

  it('counts a cancellation only when the caller cancelled, not for siblings a failure aborted', async () => {
    ctx = await setup('llamacpp', fastGovernor({ deadline: { baseMs: 5000 } }));
    const bad = {
      kind: 'status',
      status: 400,
      message: 'bad',
      type: 'invalid_request_error',
    } as const;
    ctx.server.inject(bad, { kind: 'delay', ms: 2000 }, { kind: 'delay', ms: 2000 });
    await expect(ctx.client.expand(expandRequest('Q\n', 3))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const cancelled = { ...LABELS, kind: 'cancelled' };
    expect(await metricValue(ctx.registry, 'rstar_inference_errors_total', cancelled)).toBe(0);
    ctx.server.inject({ kind: 'delay', ms: 2000 }, { kind: 'delay', ms: 2000 });
    const controller = new AbortController();
    const pending = ctx.client.expand(expandRequest('Q\n', 2, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await metricValue(ctx.registry, 'rstar_inference_errors_total', cancelled)).toBe(2);
  });

  it('turns a passed deadline into a connection failure when the health probe finds the server loading', async () => {
    ctx = await setup(
      'llamacpp',
      // A 200 ms attempt (nothing learned yet: the floor) of a request bounded at 5 s.
      fastGovernor({
        retries: { maxRetries: 1 },
        deadline: { baseMs: 5000, adaptive: { floorMs: 200, warmupSamples: 0 } },
      }),
    );
    // The attempt hangs; the server restarts meanwhile and loads its model (503 everywhere).
    ctx.server.inject({ kind: 'hang' });
    setTimeout(() => (ctx.server.loading = true), 100);
    setTimeout(() => (ctx.server.loading = false), 600);
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).resolves.toHaveLength(1);
    const errors = (kind: string) =>
      metricValue(ctx.registry, 'rstar_inference_errors_total', { ...LABELS, kind });
    expect(await errors('timeout')).toBe(0);
    expect(await errors('connection')).toBe(1);
    // 503s while loading: retried through the reconnect window, past maxRetries (1).
    expect(await errors('http_5xx')).toBeGreaterThan(1);
  });

  it('gives a loading server the reconnect window on the last replica; none when it is 0', async () => {
    ctx = await setup(
      'llamacpp',
      fastGovernor({ retries: { maxRetries: 1, reconnectWindowMs: 0 } }),
    );
    ctx.server.loading = true;
    setTimeout(() => (ctx.server.loading = false), 300);
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).rejects.toMatchObject({
      name: 'InferenceUnavailableError',
      status: 503,
    });
    await ctx.client.close();
    await ctx.server.close();
    ctx = await setup('llamacpp', fastGovernor({ retries: { maxRetries: 1 } }));
    ctx.server.loading = true;
    setTimeout(() => (ctx.server.loading = false), 300);
    await expect(ctx.client.expand(expandRequest('Q\n', 1))).resolves.toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    ctx = await setup();
    await expect(
      ctx.client.expand(expandRequest('Q\n', 1, { signal: AbortSignal.abort() })),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(ctx.server.posts()).toHaveLength(0);
  });
});

describe('in-flight bound', () => {
  it('never has more than maxInFlight requests at the server', async () => {
    const server = await FakeInferenceServer.start({ dialect: 'vllm', latencyMs: 20 });
    const client = new PolicyClient({
      model: 'm',
      endpoints: [{ url: server.url }],
      sampling: { maxTokens: 8 },
      governor: fastGovernor({ maxInFlight: 3 }),
    });
    try {
      await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          client.expand(expandRequest(`Q${i}\n`, 2, { problemId: `p${i}` })),
        ),
      );
      expect(server.posts()).toHaveLength(15);
      expect(server.maxActive).toBe(3);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('bounds fan-out siblings and reward batches too', async () => {
    const server = await FakeInferenceServer.start({ dialect: 'vllm', latencyMs: 15 });
    const reward = new RewardClient({
      model: 'ppm',
      maxBatchSize: 1,
      endpoints: [{ url: server.url }],
      governor: fastGovernor({ maxInFlight: 2 }),
    });
    try {
      const scores = await reward.score(Array.from({ length: 8 }, (_, i) => `prefix ${i}`));
      expect(scores).toHaveLength(8);
      expect(server.maxActive).toBe(2);
    } finally {
      await reward.close();
      await server.close();
    }
  });
});
