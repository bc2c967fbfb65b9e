import { ContextOverflowError } from '@rstar-fleet/protocol';
import { Registry } from 'prom-client';
import { RewardClient } from '../reward/reward-client';
import { FakeInferenceServer } from '../testing';
import { fastGovernor, metricValue } from './setup';

const raw = (t: string): number => (t.length % 11) - 5;

describe('reward client against PPM servers', () => {
  let server: FakeInferenceServer;
  let client: RewardClient | undefined;

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.close();
  });

  it('vLLM /classify: sends the batch as input with use_activation false, applies tanh(x/5)', async () => {
    server = await FakeInferenceServer.start({ dialect: 'vllm' });
    const registry = new Registry();
    client = new RewardClient({
      model: 'ppm',
      endpoints: [{ url: server.url, name: 'ppm-0' }],
      governor: fastGovernor(),
      registry,
    });
    const prefixes = ['a', 'abcd', 'abcdefghijk'];
    const scores = await client.score(prefixes);
    expect(scores).toEqual(prefixes.map((p) => Math.tanh(raw(p) / 5)));
    const posts = server.posts('/classify');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({ model: 'ppm', input: prefixes, use_activation: false });
    expect(
      await metricValue(registry, 'rstar_inference_prompt_tokens_total', { role: 'reward' }),
    ).toBe(16);
  });

  it('vLLM /pooling: sends the task and reads data[i].data; identity transform', async () => {
    server = await FakeInferenceServer.start({ dialect: 'vllm' });
    client = new RewardClient({
      dialect: 'vllm-pooling',
      model: 'ppm',
      transform: 'identity',
      endpoints: [{ url: server.url }],
      governor: fastGovernor(),
    });
    const scores = await client.score(['xy', 'xyz']);
    expect(scores).toEqual([raw('xy'), raw('xyz')]);
    expect(server.posts('/pooling')[0]?.body).toEqual({
      model: 'ppm',
      input: ['xy', 'xyz'],
      task: 'classify',
      use_activation: false,
    });
  });

  it('SGLang /classify: sends text and reads embedding[0]; sigmoid transform', async () => {
    server = await FakeInferenceServer.start({ dialect: 'sglang' });
    client = new RewardClient({
      dialect: 'sglang-classify',
      model: 'ppm',
      transform: 'sigmoid',
      endpoints: [{ url: server.url }],
      governor: fastGovernor(),
    });
    const scores = await client.score(['q1', 'q12']);
    expect(scores).toEqual([raw('q1'), raw('q12')].map((x) => 1 / (1 + Math.exp(-x))));
    expect(server.posts('/classify')[0]?.body).toEqual({ model: 'ppm', text: ['q1', 'q12'] });
  });

  it('splits large batches into maxBatchSize calls and keeps the order', async () => {
    server = await FakeInferenceServer.start({ dialect: 'vllm' });
    client = new RewardClient({
      model: 'ppm',
      transform: 'identity',
      maxBatchSize: 4,
      endpoints: [{ url: server.url }],
      governor: fastGovernor(),
    });
    const prefixes = Array.from({ length: 10 }, (_, i) => 'p'.repeat(i + 1));
    expect(await client.score(prefixes)).toEqual(prefixes.map(raw));
    expect(server.posts('/classify').map((p) => (p.body.input as string[]).length)).toEqual([
      4, 4, 2,
    ]);
  });

  it('maps an over-long prefix to ContextOverflowError (vLLM and SGLang bodies)', async () => {
    for (const [dialect, kind] of [
      ['vllm', 'vllm-classify'],
      ['sglang', 'sglang-classify'],
    ] as const) {
      server = await FakeInferenceServer.start({ dialect, contextLimit: 50 });
      client = new RewardClient({
        dialect: kind,
        model: 'ppm',
        endpoints: [{ url: server.url }],
        governor: fastGovernor(),
      });
      const err: unknown = await client.score(['ok', 'w'.repeat(80)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContextOverflowError);
      expect(err).toMatchObject({ limit: 50, requested: 80 });
      await client.close();
      client = undefined;
      if (dialect === 'vllm') await server.close();
    }
  });

  it('rejects an answer with the wrong number of scores as malformed', async () => {
    server = await FakeInferenceServer.start({ dialect: 'vllm' });
    client = new RewardClient({
      model: 'ppm',
      endpoints: [{ url: server.url }],
      governor: fastGovernor(),
    });
    server.inject({
      kind: 'raw',
      status: 200,
      body: JSON.stringify({ object: 'list', data: [{ index: 0, probs: [1] }] }),
    });
    await expect(client.score(['a', 'b'])).rejects.toMatchObject({
      name: 'InferenceMalformedError',
      code: 'UNAVAILABLE',
    });
    expect(server.posts()).toHaveLength(1);
  });
});
