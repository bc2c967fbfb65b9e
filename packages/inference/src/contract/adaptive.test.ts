import { Registry } from 'prom-client';
import { PolicyClient } from '../policy/policy-client';
import { FakeInferenceServer } from '../testing';
import { fastGovernor, metricValue } from './setup';

const vllmMetrics = (waiting: number, kv: number, preemptions: number): string =>
  [
    '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
    '# TYPE vllm:num_requests_waiting gauge',
    `vllm:num_requests_waiting{engine="0",model_name="m"} ${waiting}`,
    '# TYPE vllm:kv_cache_usage_perc gauge',
    `vllm:kv_cache_usage_perc{engine="0",model_name="m"} ${kv}`,
    '# TYPE vllm:num_preemptions_total counter',
    `vllm:num_preemptions_total{engine="0",model_name="m"} ${preemptions}`,
  ].join('\n');

/** `count` single-sample expansions of distinct problems, all at once. */
const expandMany = (client: PolicyClient, count: number) =>
  Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.expand({
        problemId: `p${i}`,
        nodeId: '0',
        prompt: 'Q\n',
        n: 1,
        depth: 1,
        seed: i,
        stop: [],
      }),
    ),
  );

describe('adaptive in-flight budget from /metrics', () => {
  it('grows under demand while the server queue is short, halves on preemptions and full KV', async () => {
    const server = await FakeInferenceServer.start({ dialect: 'vllm', latencyMs: 200 });
    const registry = new Registry();
    const client = new PolicyClient({
      model: 'm',
      endpoints: [{ url: server.url, name: 'a0' }],
      sampling: { maxTokens: 8 },
      governor: fastGovernor({
        maxInFlight: 8,
        adaptive: { minInFlight: 2, maxInFlight: 64, intervalMs: 60_000, increaseStep: 4 },
      }),
      registry,
    });
    const limit = (): Promise<number> =>
      metricValue(registry, 'rstar_inference_in_flight_limit', { endpoint: 'a0' });
    try {
      // Saturate the budget so growing is useful.
      const load = expandMany(client, 20);
      await new Promise((r) => setTimeout(r, 20));
      server.metricsText = vllmMetrics(0, 0.3, 0);
      await client.adapt();
      expect(await limit()).toBe(12);
      server.metricsText = vllmMetrics(0, 0.3, 3);
      await client.adapt();
      expect(await limit()).toBe(6);
      server.metricsText = vllmMetrics(0, 0.95, 3);
      await client.adapt();
      expect(await limit()).toBe(3);
      server.metricsText = vllmMetrics(100, 0.5, 3);
      await client.adapt();
      expect(await limit()).toBe(2);
      await load;
      expect(server.posts()).toHaveLength(20);
      expect(server.requests.filter((r) => r.path === '/metrics')).toHaveLength(4);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("counts llama.cpp's queue as the sequences in flight that no slot works on", async () => {
    // requests_deferred reads 0 while 12 of the client's 16 requests wait.
    const server = await FakeInferenceServer.start({
      dialect: 'llamacpp',
      latencyMs: 300,
      metricsText: 'llamacpp:requests_processing 4\nllamacpp:requests_deferred 0\n',
    });
    const registry = new Registry();
    const client = new PolicyClient({
      dialect: 'llamacpp',
      model: 'm',
      endpoints: [{ url: server.url, name: 'l0' }],
      sampling: { maxTokens: 8 },
      governor: fastGovernor({
        maxInFlight: 32,
        adaptive: { minInFlight: 2, intervalMs: 60_000, targetWaiting: 4 },
      }),
      registry,
    });
    try {
      const load = expandMany(client, 16);
      await new Promise((r) => setTimeout(r, 50));
      await client.adapt();
      // 16 in flight − 4 processing = 12 waiting > 2 × 4: halve.
      expect(
        await metricValue(registry, 'rstar_inference_in_flight_limit', { endpoint: 'l0' }),
      ).toBe(16);
      await load;
    } finally {
      await client.close();
      await server.close();
    }
  });
});
