import { ContextOverflowError } from '@rstar-fleet/protocol';
import { PolicyClient } from '../policy/policy-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor, STOPS } from './setup';

function clientOf(server: FakeInferenceServer): PolicyClient {
  return new PolicyClient({
    dialect: 'llamacpp',
    model: 'ignored',
    endpoints: [{ url: server.url }],
    sampling: { maxTokens: 64, topK: 0 },
    governor: fastGovernor(),
  });
}

describe('policy client against a llama.cpp-shaped server (native /completion)', () => {
  let server: FakeInferenceServer;
  let client: PolicyClient;

  beforeEach(async () => {
    server = await FakeInferenceServer.start({ dialect: 'llamacpp', contextLimit: 1024 });
    client = clientOf(server);
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
      // 'Q\n' and the BOS llama.cpp adds.
      tokens: { prompt: 3, completion: '# sample 1000\nx = 1000\n'.length },
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
    expect(err).toMatchObject({ limit: 1024, requested: 1501 }); // 1500 characters + BOS
  });

  it("asks for n samples in one request (n_cmpl) while n fits the server's slots", async () => {
    const slotted = await FakeInferenceServer.start({ dialect: 'llamacpp', slots: 4 });
    const c = clientOf(slotted);
    try {
      const out = await c.expand(expandRequest('Q\n', 3, { seed: 5 }));
      expect(slotted.posts('/completion')).toHaveLength(1);
      expect(slotted.posts('/completion')[0]?.body).toMatchObject({ n_cmpl: 3, seed: 5 });
      expect(out.map((x) => x.text)).toEqual([5, 6, 7].map((s) => `# sample ${s}\nx = ${s}\n`));
      // Beyond the slots: fanned out. The slot count was read once.
      expect(await c.expand(expandRequest('Q\n', 5, { seed: 5 }))).toHaveLength(5);
      expect(slotted.posts('/completion')).toHaveLength(6);
      expect(slotted.requests.filter((r) => r.path === '/props')).toHaveLength(1);
    } finally {
      await c.close();
      await slotted.close();
    }
  });

  it('keeps a step cut at the end of the context (truncated, limit) as a length cut', async () => {
    // 1001 characters + BOS leave 22 tokens of the 1024: the sample (23 characters) is cut to 22.
    const [cut] = await client.expand(expandRequest('z'.repeat(1001), 1));
    expect(cut).toMatchObject({
      stop: null,
      finishReason: 'length',
      text: '# sample 1000\nx = 1000', // without its last newline
    });
  });

  it('reports a step generated after a context shift (truncated, word stop) as an overflow', async () => {
    server.inject({
      kind: 'raw',
      status: 200,
      body: JSON.stringify({
        content: 'x = 1',
        truncated: true,
        stop_type: 'word',
        stopping_word: '<end_of_step>',
        tokens_evaluated: 1000,
        tokens_predicted: 40,
      }),
    });
    await expect(client.expand(expandRequest('Q\n', 1))).rejects.toBeInstanceOf(
      ContextOverflowError,
    );
  });

  it('draws a sample the server cannot render again with a new seed, then leaves it out', async () => {
    const unusable = {
      kind: 'status',
      status: 500,
      type: 'server_error',
      message: 'The model produced output that does not match the expected Content-only format',
    } as const;
    server.inject(unusable);
    const redrawn = await client.expand(expandRequest('Q\n', 2, { seed: 5 }));
    // The first sibling (seed 5) failed and was drawn again with seed 5 + 2.
    expect(redrawn.map((c) => c.text).sort()).toEqual(
      [6, 7].map((s) => `# sample ${s}\nx = ${s}\n`),
    );
    expect(server.posts('/completion')).toHaveLength(3);
    server.inject(unusable, unusable);
    expect(await client.expand(expandRequest('Q\n', 1))).toEqual([]);
    expect(server.posts('/completion')).toHaveLength(5); // never retried as such
  });
});
