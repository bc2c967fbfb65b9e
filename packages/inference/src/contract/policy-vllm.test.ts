import { ContextOverflowError } from '@rstar-fleet/protocol';
import { Registry } from 'prom-client';
import { PolicyClient } from '../policy/policy-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor, metricValue, STOPS } from './setup';

describe('policy client against a vLLM-shaped server', () => {
  let server: FakeInferenceServer;
  let client: PolicyClient;
  let registry: Registry;

  beforeEach(async () => {
    server = await FakeInferenceServer.start({ dialect: 'vllm', contextLimit: 4096 });
    registry = new Registry();
    client = new PolicyClient({
      dialect: 'vllm',
      model: 'qwen-math',
      endpoints: [{ url: server.url, name: 'vllm-0' }],
      sampling: { maxTokens: 256, temperature: 0.8, topP: 0.95 },
      governor: fastGovernor(),
      registry,
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('sends every sampling field explicitly, with n in one request', async () => {
    await client.expand(expandRequest('Q: 1+1?\n', 4, { seed: 7 }));
    const posts = server.posts('/v1/completions');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      model: 'qwen-math',
      prompt: 'Q: 1+1?\n',
      n: 4,
      temperature: 0.8,
      top_p: 0.95,
      top_k: -1,
      min_p: 0,
      max_tokens: 256,
      stop: [...STOPS],
      seed: 7,
      repetition_penalty: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      include_stop_str_in_output: false,
      // The step tags are special tokens (apps/trainer): kept in the text so stops match.
      skip_special_tokens: false,
      spaces_between_special_tokens: false,
      stream: false,
    });
  });

  it('reads the stop tag from stop_reason and keeps the text without it', async () => {
    const out = await client.expand(expandRequest('Q\n', 3, { seed: 10 }));
    expect(out.map((c) => c.text)).toEqual([
      '# sample 10\nx = 10\n',
      '# sample 11\nx = 11\n',
      '# sample 12\nx = 12\n',
    ]);
    expect(out.every((c) => c.stop === '<end_of_step>' && c.finishReason === 'stop')).toBe(true);
    expect(out[0]?.tokens?.prompt).toBe('Q\n'.length);
    const completion = out.reduce((a, c) => a + (c.tokens?.completion ?? 0), 0);
    expect(completion).toBe(3 * '# sample 10\nx = 10\n'.length);
  });

  it('maps finish_reason length to a truncated step and EOS (stop_reason null) to a null tag', async () => {
    const cut = await client.expand(expandRequest('Q [len]\n', 1));
    expect(cut[0]).toMatchObject({ finishReason: 'length', stop: null });
    const eos = await client.expand(expandRequest('Q [eos]\n', 1));
    expect(eos[0]).toMatchObject({ finishReason: 'stop', stop: null });
  });

  it('reports an aborted sequence (finish_reason abort) as malformed, not as a step', async () => {
    server.inject({
      kind: 'raw',
      status: 200,
      body: JSON.stringify({
        object: 'text_completion',
        choices: [{ index: 0, text: 'x = ', finish_reason: 'abort', stop_reason: null }],
        usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 },
      }),
    });
    await expect(client.expand(expandRequest('Q\n', 1))).rejects.toMatchObject({
      name: 'InferenceMalformedError',
    });
    expect(server.posts()).toHaveLength(1);
  });

  it("turns vLLM's 400 'maximum context length' into ContextOverflowError, without retrying", async () => {
    const prompt = 'x'.repeat(4000);
    const err: unknown = await client.expand(expandRequest(prompt, 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextOverflowError);
    expect(err).toMatchObject({ code: 'RESOURCE_EXHAUSTED', limit: 4096, requested: 4256 });
    expect(server.posts()).toHaveLength(1);
    expect(
      await metricValue(registry, 'rstar_inference_errors_total', { kind: 'context_overflow' }),
    ).toBe(1);
  });

  it('counts tokens and latency per endpoint and role', async () => {
    await client.expand(expandRequest('Q: 2+2?\n', 2));
    const labels = { endpoint: 'vllm-0', role: 'policy' };
    expect(await metricValue(registry, 'rstar_inference_prompt_tokens_total', labels)).toBe(8);
    expect(await metricValue(registry, 'rstar_inference_completion_tokens_total', labels)).toBe(
      2 * '# sample 1000\nx = 1000\n'.length,
    );
    expect(
      await metricValue(
        registry,
        'rstar_inference_request_duration_seconds',
        labels,
        'rstar_inference_request_duration_seconds_count',
      ),
    ).toBe(1);
  });
});
