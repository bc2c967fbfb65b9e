import { InvalidInputError } from '@rstar-fleet/protocol';
import { compilePolicyOptions } from './policy-options';
import { compileRewardOptions } from './reward-options';

const url = 'http://127.0.0.1:8000';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInputError) return err.where.field;
    throw err;
  }
  throw new Error('expected an InvalidInputError');
}

describe('policy options', () => {
  it('fills documented defaults', () => {
    const o = compilePolicyOptions({ model: 'm', endpoints: [{ url }] });
    expect(o.dialect).toBe('vllm');
    expect(o.fanOut).toBe(false);
    expect(o.sampling).toEqual({
      temperature: 0.7,
      topP: 1,
      topK: -1,
      minP: 0,
      maxTokens: 2048,
      repetitionPenalty: 1,
    });
    expect(o.governor).toMatchObject({
      maxInFlight: 64,
      retries: { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 10_000 },
      deadline: { baseMs: 10_000, perOutputTokenMs: 50, perInputCharMs: 0.005, maxMs: 600_000 },
      keepAliveTimeoutMs: 4000,
    });
    expect(o.governor.adaptive).toBeUndefined();
    expect(o.routing).toMatchObject({ cooldownMs: 5000, maxCooldownMs: 60_000 });
    expect(typeof o.governor.random).toBe('function');
  });

  it('fills adaptive defaults when adaptive is asked for', () => {
    const o = compilePolicyOptions({
      model: 'm',
      endpoints: [{ url }],
      governor: { adaptive: {} },
    });
    expect(o.governor.adaptive).toEqual({
      minInFlight: 4,
      maxInFlight: 512,
      intervalMs: 5000,
      targetWaiting: 16,
      maxKvUsage: 0.9,
      decreaseFactor: 0.5,
      increaseStep: 4,
      metricsPath: '/metrics',
    });
  });

  it("fans out by default for openai; llamacpp sends n within the server's slots unless told", () => {
    expect(
      compilePolicyOptions({ model: 'm', dialect: 'openai', endpoints: [{ url }] }).fanOut,
    ).toBe(true);
    expect(
      compilePolicyOptions({ model: 'm', dialect: 'llamacpp', endpoints: [{ url }] }).fanOut,
    ).toBe(false);
    expect(
      compilePolicyOptions({ model: 'm', dialect: 'llamacpp', fanOut: true, endpoints: [{ url }] })
        .fanOut,
    ).toBe(true);
  });

  it('names the offending field', () => {
    expect(
      fieldOf(() => compilePolicyOptions({ model: 'm', endpoints: [{ url }, { url: 'ftp://x' }] })),
    ).toBe('endpoints[1].url');
    expect(fieldOf(() => compilePolicyOptions({ model: 'm', endpoints: [] }))).toBe('endpoints');
    expect(fieldOf(() => compilePolicyOptions({ model: '', endpoints: [{ url }] }))).toBe('model');
    expect(
      fieldOf(() =>
        compilePolicyOptions({ model: 'm', endpoints: [{ url }], sampling: { topP: 0 } }),
      ),
    ).toBe('sampling.topP');
    expect(
      fieldOf(() =>
        compilePolicyOptions({
          model: 'm',
          endpoints: [{ url }],
          governor: { adaptive: { minInFlight: 10, maxInFlight: 5 } },
        }),
      ),
    ).toBe('governor.adaptive.minInFlight');
  });

  it('rejects unknown keys and duplicate endpoint names', () => {
    expect(() =>
      compilePolicyOptions({ model: 'm', endpoints: [{ url }], temprature: 1 } as never),
    ).toThrow(InvalidInputError);
    expect(fieldOf(() => compilePolicyOptions({ model: 'm', endpoints: [{ url }, { url }] }))).toBe(
      'endpoints[1].name',
    );
  });
});

describe('reward options', () => {
  it('fills defaults', () => {
    const o = compileRewardOptions({ model: 'ppm', endpoints: [{ url }] });
    expect(o).toMatchObject({
      dialect: 'vllm-classify',
      transform: 'tanh5',
      scoreIndex: 0,
      useActivation: false,
      poolingTask: 'classify',
      maxBatchSize: 64,
    });
  });

  it('names the offending field', () => {
    expect(
      fieldOf(() =>
        compileRewardOptions({ model: 'ppm', endpoints: [{ url }], transform: 'exp' as never }),
      ),
    ).toBe('transform');
    expect(
      fieldOf(() => compileRewardOptions({ model: 'ppm', endpoints: [{ url }], maxBatchSize: 0 })),
    ).toBe('maxBatchSize');
  });
});
