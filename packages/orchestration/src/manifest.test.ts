import { parsePlan, PAPER_ROUNDS, PLAN_DEFAULTS, type RunPlan } from '@rstar-fleet/config';
import {
  POLICY_DIALECTS,
  REWARD_DIALECTS,
  REWARD_TRANSFORMS,
  RoundManifestSchema,
  parseRoundManifest,
} from '@rstar-fleet/protocol';
import { buildRoundManifest, withEscalationPhase } from './manifest';
import type { HookOutcome } from './run-state';

const plan = parsePlan(
  [
    'corpus: { path: c.jsonl }',
    "sandbox: { addresses: ['10.0.0.1:50051', '10.0.0.2:50051'] }",
    'defaults:',
    "  policy: { endpoints: ['http://pol:8000'], model: p0, dialect: sglang }",
    "  ppm: { endpoints: [{ url: 'http://ppm:8001', name: reward }], model: q0, transform: sigmoid }",
    'rounds:',
    '  - { rollouts: 3, trees: 2, candidates: 4, shardSize: 10, sampling: { temperature: 0.3 } }',
    '  - { rollouts: 5, escalation: [9, 12], maxFailedShardShare: 0.25, seed: 7, c: 1.5 }',
    '',
  ].join('\n'),
);

const phase0 = { shards: 3, problems: 30 };
const build = (round: number, previousHooks: (HookOutcome | null)[] = [], p: RunPlan = plan) =>
  buildRoundManifest({ plan: p, run: 'r', round, previousHooks, phase0 });

function hook(result: Record<string, unknown>, status: HookOutcome['status'] = 'succeeded') {
  return {
    kind: 'command',
    status,
    startedAt: 't',
    finishedAt: 't',
    durationMs: 1,
    target: [],
    exitCode: 0,
    result,
    stderrTail: '',
    error: null,
  } satisfies HookOutcome;
}

describe('buildRoundManifest', () => {
  it("puts each round's plan settings in one place of its manifest", () => {
    const m1 = build(1);
    expect(m1.phases).toEqual([{ phase: 0, rollouts: 3, trees: 2, firstShard: 0, ...phase0 }]);
    expect(m1.search).toMatchObject({ candidates: 4, escalation: [] });
    expect(m1.search).not.toHaveProperty('rollouts');
    expect(m1.search).not.toHaveProperty('trees');
    expect(m1.sampling.temperature).toBe(0.3);
    expect(m1.shards).toEqual({ size: 10, maxFailedShare: 0 });
    expect(m1.sandbox.addresses).toEqual(['10.0.0.1:50051', '10.0.0.2:50051']);
    expect(m1.policy).toEqual({
      model: 'p0',
      dialect: 'sglang',
      endpoints: [{ url: 'http://pol:8000', name: 'pol:8000' }],
    });
    expect(m1.ppm).toMatchObject({ transform: 'sigmoid', endpoints: [{ name: 'reward' }] });

    const m2 = build(2);
    expect(m2.phases[0]).toMatchObject({ rollouts: 5, trees: PAPER_ROUNDS[1].trees });
    expect(m2.search).toMatchObject({ escalation: [9, 12], seed: 7, c: 1.5 });
    expect(m2.shards.maxFailedShare).toBe(0.25);
    // What the build yields is what the schema (strict, every field required) accepts.
    expect(RoundManifestSchema.parse(m2)).toEqual(m2);
  });

  it('adds no default of its own: every value comes from the compiled plan', () => {
    const compiled = parsePlan(
      "corpus: { path: c.jsonl }\ndefaults: { policy: { endpoints: ['http://a:1'], model: m } }\nrounds: 1\n",
    );
    const [r1] = compiled.rounds;
    const m = build(1, [], compiled);
    expect(m.search).toMatchObject({
      mode: PLAN_DEFAULTS.mode,
      maxDepth: PLAN_DEFAULTS.maxDepth,
      beamWidth: PLAN_DEFAULTS.beamWidth,
    });
    expect(m.shards.size).toBe(PLAN_DEFAULTS.shardSize);
    // A compiled round with unusual values throughout: the manifest carries exactly those.
    const odd: RunPlan = {
      ...compiled,
      sandbox: { addresses: ['sb:1'] },
      rounds: [
        {
          ...r1,
          policy: { ...r1.policy, dialect: 'llamacpp' },
          ppm: {
            model: 'q',
            dialect: 'vllm-pooling',
            transform: 'identity',
            endpoints: [{ url: 'http://q:2', name: 'q' }],
          },
          search: { ...r1.search, mode: 'beam', beamWidth: 3, maxDepth: 5, qRule: 'ppm' },
          sampling: { temperature: 0, topP: 0.5, maxTokens: 7 },
          shardSize: 11,
          maxFailedShardShare: 1,
        },
      ],
    };
    const o = build(1, [], odd);
    expect(o.policy.dialect).toBe('llamacpp');
    expect(o.ppm).toMatchObject({ dialect: 'vllm-pooling', transform: 'identity' });
    expect(o.search).toMatchObject({ mode: 'beam', beamWidth: 3, maxDepth: 5, qRule: 'ppm' });
    expect(o.sampling).toEqual({ temperature: 0, topP: 0.5, maxTokens: 7 });
    expect(o.shards).toEqual({ size: 11, maxFailedShare: 1 });
    expect(o.sandbox.addresses).toEqual(['sb:1']);
  });

  it("takes the models from the previous round's hooks, the later winning, endpoints only when given", () => {
    const m = build(2, [
      hook({ policy: { model: 'p1' }, ppm: { model: 'q1' } }),
      hook({ policy: { model: 'p2', endpoints: ['http://c:2'] } }),
    ]);
    expect(m.policy).toEqual({
      model: 'p2',
      dialect: 'sglang',
      endpoints: [{ url: 'http://c:2', name: 'c:2' }],
    });
    expect(m.ppm).toMatchObject({
      model: 'q1',
      transform: 'sigmoid',
      endpoints: [{ url: 'http://ppm:8001', name: 'reward' }],
    });
  });

  it('ignores hooks that failed or named no models, and a PPM for a round planned without one', () => {
    expect(
      build(2, [hook({ policy: { model: 'x' } }, 'failed'), null, hook({ audit: 1 })]).policy,
    ).toMatchObject({ model: 'p0' });
    const noPpm = parsePlan(
      "corpus: { path: c.jsonl }\ndefaults: { policy: { endpoints: ['http://a:1'], model: m } }\nrounds: 2\n",
    );
    const m = build(2, [hook({ ppm: { model: 'q', endpoints: ['http://q:1'] } })], noPpm);
    expect(m.ppm).toBeNull();
  });

  it('appends an escalation phase with the next budget and one tree', () => {
    const m = withEscalationPhase(build(2), 1, { firstShard: 3, shards: 1, problems: 4 });
    expect(m.phases[1]).toEqual({
      phase: 1,
      rollouts: 9,
      trees: 1,
      firstShard: 3,
      shards: 1,
      problems: 4,
    });
    expect(() => withEscalationPhase(m, 3, { firstShard: 4, shards: 1, problems: 1 })).toThrow(
      /no escalation phase 3/,
    );
  });

  it('reads back every dialect and transform a plan accepts', () => {
    const names = POLICY_DIALECTS.map((policy, i) => ({
      policy,
      ppm: REWARD_DIALECTS[i % REWARD_DIALECTS.length],
      transform: REWARD_TRANSFORMS[i % REWARD_TRANSFORMS.length],
    }));
    for (const { policy, ppm, transform } of names) {
      const compiled = parsePlan(
        'corpus: { path: c.jsonl }\ndefaults:\n' +
          `  policy: { endpoints: ['http://a:1'], model: m, dialect: ${policy} }\n` +
          `  ppm: { endpoints: ['http://b:1'], model: q, dialect: ${ppm}, transform: ${transform} }\n`,
      );
      const m = build(1, [], compiled);
      expect(parseRoundManifest(JSON.stringify(m), {})).toEqual(m);
    }
  });

  it('is refused when read back at another version, naming the file and what to do', () => {
    const text = JSON.stringify({ ...build(1), v: 1 });
    expect(() => parseRoundManifest(text, { source: 'runs/r/round-1/round.json' })).toThrow(
      /runs\/r\/round-1\/round\.json has version 1; this rstar-fleet reads version 3.*start a new run/,
    );
  });
});
