import { ContextOverflowError } from '@rstar-fleet/protocol';
import { PolicyClient } from '../policy/policy-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor, STOPS } from './setup';

describe('policy client against an SGLang-shaped server', () => {
  let server: FakeInferenceServer;
  let client: PolicyClient;

  beforeEach(async () => {
    server = await FakeInferenceServer.start({ dialect: 'sglang', contextLimit: 2048 });
    client = new PolicyClient({
      dialect: 'sglang',
      model: 'qwen-math',
      endpoints: [{ url: server.url }],
      sampling: { maxTokens: 128 },
      governor: fastGovernor(),
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('sends SGLang fields (no_stop_trim false, special tokens kept) and n in one request', async () => {
    await client.expand(expandRequest('Q\n', 5, { seed: 3 }));
    const posts = server.posts('/v1/completions');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      model: 'qwen-math',
      prompt: 'Q\n',
      n: 5,
      seed: 3,
      max_tokens: 128,
      temperature: 0.7,
      top_p: 1,
      top_k: -1,
      min_p: 0,
      repetition_penalty: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      stop: [...STOPS],
      no_stop_trim: false,
      // The step tags are special tokens (apps/trainer): kept in the text so stops match.
      skip_special_tokens: false,
      stream: false,
    });
  });

  it('reads matched_stop; an EOS token id means no tag', async () => {
    const tagged = await client.expand(expandRequest('Q\n', 2));
    expect(tagged.map((c) => c.stop)).toEqual(['<end_of_step>', '<end_of_step>']);
    expect(tagged[0]?.text).toBe('# sample 1000\nx = 1000\n');
    const eos = await client.expand(expandRequest('Q [eos]\n', 1));
    expect(eos[0]).toMatchObject({ stop: null, finishReason: 'stop' });
    const cut = await client.expand(expandRequest('Q [len]\n', 1));
    expect(cut[0]).toMatchObject({ stop: null, finishReason: 'length' });
  });

  it("maps SGLang's context-length 400 to ContextOverflowError with the sizes it reports", async () => {
    const err: unknown = await client
      .expand(expandRequest('y'.repeat(2000), 1))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextOverflowError);
    expect(err).toMatchObject({ limit: 2048, requested: 2128 });
    expect(server.posts()).toHaveLength(1);
  });

  it('fans out n single requests when configured to (SGLang discourages n > 1)', async () => {
    await client.close();
    client = new PolicyClient({
      dialect: 'sglang',
      model: 'qwen-math',
      endpoints: [{ url: server.url }],
      fanOut: true,
      sampling: { maxTokens: 128 },
      governor: fastGovernor(),
    });
    const out = await client.expand(expandRequest('Q\n', 3, { seed: 20 }));
    const posts = server.posts('/v1/completions');
    expect(posts.map((p) => [p.body.n, p.body.seed])).toEqual([
      [1, 20],
      [1, 21],
      [1, 22],
    ]);
    expect(out.map((c) => c.text)).toEqual([
      '# sample 20\nx = 20\n',
      '# sample 21\nx = 21\n',
      '# sample 22\nx = 22\n',
    ]);
  });
});
