import { ContextOverflowError } from '@rstar-fleet/protocol';
import { PolicyClient } from '../policy/policy-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor, STOPS } from './setup';

describe('policy client against a llama.cpp-shaped server (native /completion)', () => {
  let server: FakeInferenceServer;
  let client: PolicyClient;

  beforeEach(async () => {
    server = await FakeInferenceServer.start({ dialect: 'llamacpp', contextLimit: 1024 });
    client = new PolicyClient({
      dialect: 'llamacpp',
      model: 'ignored',
      endpoints: [{ url: server.url }],
      sampling: { maxTokens: 64, topK: 0 },
      governor: fastGovernor(),
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('fans out one request per candidate with distinct seeds and explicit sampling fields', async () => {
    const out = await client.expand(expandRequest('Q\n', 3, { seed: 5 }));
    const posts = server.posts('/completion');
    expect(posts).toHaveLength(3);
    expect(posts.map((p) => p.body.seed).sort()).toEqual([5, 6, 7]);
    expect(posts[0]?.body).toMatchObject({
      prompt: 'Q\n',
      n_predict: 64,
      temperature: 0.7,
      top_p: 1,
      top_k: 0,
      min_p: 0,
      repeat_penalty: 1,
      stop: [...STOPS],
      cache_prompt: true,
      stream: false,
    });
    expect(posts[0]?.body).not.toHaveProperty('n');
    expect(out.map((c) => c.text)).toEqual([
      '# sample 5\nx = 5\n',
      '# sample 6\nx = 6\n',
      '# sample 7\nx = 7\n',
    ]);
  });

  it('reads stopping_word / stop_type and the token counts', async () => {
    const [tagged] = await client.expand(expandRequest('Q\n', 1));
    expect(tagged).toEqual({
      text: '# sample 1000\nx = 1000\n',
      stop: '<end_of_step>',
      finishReason: 'stop',
      tokens: { prompt: 2, completion: '# sample 1000\nx = 1000\n'.length },
    });
    const [cut] = await client.expand(expandRequest('Q [len]\n', 1));
    expect(cut).toMatchObject({ finishReason: 'length', stop: null });
    const [eos] = await client.expand(expandRequest('Q [eos]\n', 1));
    expect(eos).toMatchObject({ finishReason: 'stop', stop: null });
  });

  it('maps exceed_context_size_error to ContextOverflowError with n_prompt_tokens / n_ctx', async () => {
    const err: unknown = await client
      .expand(expandRequest('z'.repeat(1500), 2))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextOverflowError);
    expect(err).toMatchObject({ limit: 1024, requested: 1500 });
  });
});
