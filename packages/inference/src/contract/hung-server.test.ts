import { Registry } from 'prom-client';
import type { GovernorOptions } from '../options/common';
import { PolicyClient } from '../policy/policy-client';
import { RewardClient } from '../reward/reward-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor, metricValue } from './setup';

/**
 * A server that reads a request and never answers (no reset, no status): the client must give up
 * after a deadline sized to what the server's answers really take, and send the request again,
 * to another replica when there is one.
 */
describe('hung inference server (real HTTP)', () => {
  const servers: FakeInferenceServer[] = [];
  const clients: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function policy(count: number, governor: GovernorOptions, registry = new Registry()) {
    const started = await Promise.all(
      Array.from({ length: count }, () => FakeInferenceServer.start({ dialect: 'vllm' })),
    );
    servers.push(...started);
    const client = new PolicyClient({
      model: 'm',
      endpoints: started.map((s, i) => ({ url: s.url, name: `r${i}` })),
      // The size bound of every request: 60 s + 2048 tokens × 50 ms ≈ 112 s, as in production.
      sampling: { maxTokens: 2048 },
      governor,
      registry,
    });
    clients.push(client);
    return { client, servers: started, registry };
  }

  const productionDeadline = { baseMs: 10_000, perOutputTokenMs: 50, perInputCharMs: 0 };

  it('gives a hung request a deadline learned from the answers, not the max_tokens bound', async () => {
    const {
      client,
      servers: [server],
    } = await policy(
      1,
      fastGovernor({
        retries: { maxRetries: 0 },
        deadline: { ...productionDeadline, adaptive: { floorMs: 300, warmupSamples: 4 } },
      }),
    );
    if (server === undefined) throw new Error('no server');
    // Before anything was learned, a request gets its size bound (10 s + 2048 × 50 ms).
    for (let i = 0; i < 4; i += 1) await client.expand(expandRequest(`Q${i}\n`, 2));
    server.inject({ kind: 'hang' });
    const started = Date.now();
    const err = await client.expand(expandRequest('Q hang\n', 2)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InferenceDeadlineError', code: 'DEADLINE_EXCEEDED' });
    // Answers took milliseconds (a few hundred on a loaded machine): the learned deadline is at
    // the floor or a little above it, far below the 112 s bound.
    const { deadlineMs } = err as { deadlineMs: number };
    expect(deadlineMs).toBeGreaterThanOrEqual(300);
    expect(deadlineMs).toBeLessThan(5_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('scales the learned deadline with the size bound of the request', async () => {
    const registry = new Registry();
    const server = await FakeInferenceServer.start({ dialect: 'vllm', latencyMs: 40 });
    servers.push(server);
    const governor = fastGovernor({
      retries: { maxRetries: 0 },
      deadline: { baseMs: 900, perInputCharMs: 1, adaptive: { floorMs: 1, warmupSamples: 3 } },
    });
    const reward = new RewardClient({
      model: 'm',
      dialect: 'vllm-classify',
      endpoints: [{ url: server.url, name: 'p0' }],
      governor,
      registry,
    });
    clients.push(reward);
    // Bound 900 ms + 100 chars: a 40 ms answer uses ~4% of it.
    for (let i = 0; i < 3; i += 1) await reward.score(['x'.repeat(100)]);
    server.inject({ kind: 'hang' });
    const small = await reward.score(['y'.repeat(100)]).catch((e: unknown) => e);
    server.inject({ kind: 'hang' });
    const large = await reward.score(['z'.repeat(9100)]).catch((e: unknown) => e);
    const small_ = (small as { deadlineMs: number }).deadlineMs;
    const large_ = (large as { deadlineMs: number }).deadlineMs;
    expect(small).toMatchObject({ name: 'InferenceDeadlineError' });
    expect(large).toMatchObject({ name: 'InferenceDeadlineError' });
    // Both below their bounds (1 s and 10 s), the larger request ten times as long.
    expect(small_).toBeLessThan(1000);
    expect(large_).toBeLessThan(10_000);
    expect(large_).toBeGreaterThanOrEqual(small_ * 9);
  });

  it('sends a timed-out request to the other replica, which answers', async () => {
    const {
      client,
      servers: pair,
      registry,
    } = await policy(
      2,
      fastGovernor({
        deadline: { ...productionDeadline, adaptive: { floorMs: 200, warmupSamples: 0 } },
      }),
    );
    const [first] = client.route('tree-H');
    const hung = pair[Number(first?.slice(1))];
    const other = pair.find((s) => s !== hung);
    if (hung === undefined || other === undefined) throw new Error('need two replicas');
    hung.inject({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    const out = await client.expand(expandRequest('Q\n', 2, { problemId: 'tree-H' }));
    expect(out).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    // One attempt on the hung replica (not retried there), then the other replica's answer.
    expect(hung.posts()).toHaveLength(1);
    expect(other.posts()).toHaveLength(1);
    expect(
      await metricValue(registry, 'rstar_inference_errors_total', {
        endpoint: first ?? '',
        kind: 'timeout',
      }),
    ).toBe(1);
    // The hung replica now cools down: the tree's next request goes to the other one directly.
    expect(client.route('tree-H')[0]).not.toBe(first);
  });

  it('retries a timed-out request on a single replica with a doubled deadline', async () => {
    const {
      client,
      servers: [server],
    } = await policy(
      1,
      fastGovernor({
        deadline: { ...productionDeadline, adaptive: { floorMs: 150, warmupSamples: 0 } },
      }),
    );
    if (server === undefined) throw new Error('no server');
    server.inject({ kind: 'hang' }, { kind: 'hang' });
    const out = await client.expand(expandRequest('Q\n', 2));
    expect(out).toHaveLength(2);
    expect(server.posts()).toHaveLength(3);
  });

  it('fails with DEADLINE_EXCEEDED once every retry timed out, the last after 8× the deadline', async () => {
    const {
      client,
      servers: [server],
    } = await policy(
      1,
      fastGovernor({
        retries: { maxRetries: 3 },
        deadline: { ...productionDeadline, adaptive: { floorMs: 50, warmupSamples: 0 } },
      }),
    );
    if (server === undefined) throw new Error('no server');
    server.inject(...Array.from({ length: 4 }, () => ({ kind: 'hang' }) as const));
    await expect(client.expand(expandRequest('Q\n', 1))).rejects.toMatchObject({
      name: 'InferenceDeadlineError',
      deadlineMs: 400,
    });
    expect(server.posts()).toHaveLength(4);
  });
});
