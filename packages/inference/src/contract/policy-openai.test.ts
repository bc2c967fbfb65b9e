import { PolicyClient } from '../policy/policy-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor } from './setup';

describe('policy client against a generic OpenAI-compatible server', () => {
  let server: FakeInferenceServer;
  let client: PolicyClient;

  beforeEach(async () => {
    server = await FakeInferenceServer.start({ dialect: 'openai' });
    client = new PolicyClient({
      dialect: 'openai',
      model: 'llama3',
      endpoints: [{ url: server.url }],
      governor: fastGovernor(),
      headers: { authorization: 'Bearer test' },
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('fans out by default and sends only OpenAI fields', async () => {
    await client.expand(expandRequest('Q\n', 2, { seed: 1 }));
    const posts = server.posts('/v1/completions');
    expect(posts).toHaveLength(2);
    for (const p of posts) {
      expect(Object.keys(p.body).sort()).toEqual(
        [
          'frequency_penalty',
          'max_tokens',
          'model',
          'n',
          'presence_penalty',
          'prompt',
          'seed',
          'stop',
          'stream',
          'temperature',
          'top_p',
        ].sort(),
      );
      expect(p.body.n).toBe(1);
    }
  });

  it('recovers the stop tag from the end of the text when the server reports none', async () => {
    const out = await client.expand(expandRequest('Q\n', 1));
    expect(out[0]).toMatchObject({ text: '# sample 1000\nx = 1000\n', stop: '<end_of_step>' });
    const eos = await client.expand(expandRequest('Q [eos]\n', 1));
    expect(eos[0]).toMatchObject({ stop: null, finishReason: 'stop' });
  });
});
