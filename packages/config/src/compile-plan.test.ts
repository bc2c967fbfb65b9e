import { compilePlan, expandHook, PAPER_ROUNDS, type HookPlan } from './compile-plan';
import { parsePlan } from './load-plan';
import { PlanError } from './plan-error';
import { hookResultSchema, type PlanFile } from './plan-schema';

const sim = {
  policy: { endpoints: ['http://127.0.0.1:8000'], model: 'sim-policy-r0' },
  ppm: { endpoints: ['http://127.0.0.1:8000'], model: 'sim-ppm-r0' },
};

const minimal: PlanFile = { corpus: { path: 'c.jsonl' }, defaults: sim };

describe('compilePlan defaults', () => {
  it('are the paper’s four rounds (DESIGN §4)', () => {
    const plan = compilePlan(minimal);
    expect(plan.rounds.map((r) => ({ round: r.round, ...r.search }))).toEqual([
      {
        round: 1,
        mode: 'mcts',
        qRule: 'terminal',
        rollouts: 8,
        candidates: 5,
        trees: 1,
        escalation: [],
        maxDepth: 16,
        errorsThreshold: 2,
        c: 2,
        seed: 0,
        beamWidth: 8,
      },
      {
        round: 2,
        mode: 'mcts',
        qRule: 'terminal',
        rollouts: 16,
        candidates: 8,
        trees: 1,
        escalation: [],
        maxDepth: 16,
        errorsThreshold: 1,
        c: 2,
        seed: 0,
        beamWidth: 8,
      },
      {
        round: 3,
        mode: 'mcts',
        qRule: 'ppm',
        rollouts: 16,
        candidates: 8,
        trees: 1,
        escalation: [],
        maxDepth: 16,
        errorsThreshold: 1,
        c: 2,
        seed: 0,
        beamWidth: 8,
      },
      {
        round: 4,
        mode: 'mcts',
        qRule: 'ppm',
        rollouts: 16,
        candidates: 16,
        trees: 2,
        escalation: [64, 128],
        maxDepth: 16,
        errorsThreshold: 1,
        c: 2,
        seed: 0,
        beamWidth: 8,
      },
    ]);
    for (const r of plan.rounds) {
      expect(r.shardSize).toBe(256);
      expect(r.sampling).toEqual({ temperature: 0.7, topP: 1, maxTokens: 2048 });
      expect(r.policy).toEqual({
        endpoints: [{ url: 'http://127.0.0.1:8000', name: '127.0.0.1:8000' }],
        model: 'sim-policy-r0',
        dialect: 'vllm',
      });
      expect(r.ppm).toMatchObject({ dialect: 'vllm-classify', transform: 'tanh5' });
      expect(r.hooks).toEqual({ train: null, deploy: null });
    }
    expect(plan).toMatchObject({
      source: 'plan.yaml',
      name: 'run',
      corpus: { path: 'c.jsonl', format: 'auto', adapter: 'auto', dataset: null },
      store: { kind: 'dir', dir: './runs' },
      redis: { url: 'redis://127.0.0.1:6379', passwordEnv: null },
      sandbox: { addresses: ['127.0.0.1:50051'] },
    });
  });

  it('`rounds: 4`, an omitted `rounds` and four empty entries plan the same', () => {
    const a = compilePlan({ ...minimal, rounds: 4 });
    expect(compilePlan(minimal)).toEqual(a);
    expect(compilePlan({ ...minimal, rounds: [{}, {}, {}, {}] })).toEqual(a);
  });

  it('rounds after the fourth continue like the fourth', () => {
    const plan = compilePlan({ ...minimal, rounds: 6 });
    expect(plan.rounds[5]?.search).toMatchObject({ ...PAPER_ROUNDS[3], escalation: [64, 128] });
  });

  it('a terminal round without a PPM compiles with ppm null', () => {
    const plan = compilePlan({
      corpus: { path: 'c.jsonl' },
      defaults: { policy: sim.policy },
      rounds: 2,
    });
    expect(plan.rounds.map((r) => r.ppm)).toEqual([null, null]);
  });

  it('compiles the S3 store with its defaults', () => {
    const plan = compilePlan({ ...minimal, store: { s3: { bucket: 'b' } } });
    expect(plan.store).toEqual({
      kind: 's3',
      bucket: 'b',
      prefix: '',
      endpoint: null,
      region: 'us-east-1',
      forcePathStyle: false,
    });
  });
});

describe('inheritance', () => {
  it('paper round < defaults < the round’s own keys; objects merge key by key', () => {
    const plan = parsePlan(
      [
        'corpus: { path: c.jsonl }',
        'defaults:',
        "  policy: { endpoints: ['http://a:8000', { url: 'http://b:8000', name: b }], model: m0 }",
        "  ppm: { endpoints: ['http://r:8000'], model: r0, dialect: sglang-classify }",
        '  candidates: 4',
        '  sampling: { temperature: 0.9, maxTokens: 1024 }',
        '  shardSize: 64',
        '  hooks:',
        "    train: { command: 'train {sft} {pairs} {out}' }",
        '    deploy: { command: [deploy, "{out}"], timeoutSeconds: 60 }',
        'rounds:',
        '  - policy: { model: m1 }',
        '    sampling: { temperature: 0.5 }',
        '    hooks: { deploy: { kubernetesJob: { template: job.yaml } } }',
        '  - rollouts: 32',
        '    shardSize: 128',
      ].join('\n'),
    );
    const [r1, r2] = plan.rounds;
    expect(r1?.policy).toEqual({
      endpoints: [
        { url: 'http://a:8000', name: 'a:8000' },
        { url: 'http://b:8000', name: 'b' },
      ],
      model: 'm1',
      dialect: 'vllm',
    });
    expect(r1?.sampling).toEqual({ temperature: 0.5, topP: 1, maxTokens: 1024 });
    expect(r1?.search).toMatchObject({ rollouts: 8, candidates: 4, qRule: 'terminal' });
    expect(r1?.shardSize).toBe(64);
    expect(r1?.hooks).toEqual({
      train: {
        kind: 'command',
        argv: ['train', '{sft}', '{pairs}', '{out}'],
        timeoutSeconds: 86_400,
      },
      deploy: {
        kind: 'kubernetes-job',
        template: 'job.yaml',
        namespace: null,
        timeoutSeconds: 3600,
      },
    });
    expect(r2?.policy.model).toBe('m0');
    expect(r2?.ppm).toMatchObject({ model: 'r0', dialect: 'sglang-classify' });
    expect(r2?.search).toMatchObject({ rollouts: 32, candidates: 4 });
    expect(r2?.shardSize).toBe(128);
    expect(r2?.hooks.deploy).toEqual({
      kind: 'command',
      argv: ['deploy', '{out}'],
      timeoutSeconds: 60,
    });
  });

  it('a round without a policy anywhere is an error naming the round', () => {
    expect(() => compilePlan({ corpus: { path: 'c.jsonl' }, rounds: 1 })).toThrow(PlanError);
    try {
      compilePlan({ corpus: { path: 'c.jsonl' }, rounds: 1 });
    } catch (err) {
      expect((err as PlanError).issues.map((i) => i.field)).toEqual([
        'rounds.0.policy.endpoints',
        'rounds.0.policy.model',
      ]);
    }
  });

  it('escalation must rise above rollouts, reported where it is written', () => {
    const text = [
      'corpus: { path: c.jsonl }',
      'defaults:',
      "  policy: { endpoints: ['http://a:8000'], model: m }",
      "  ppm: { endpoints: ['http://a:8000'], model: r }",
      '  escalation: [64, 32]',
      'rounds:',
      '  - rollouts: 128',
      '  - escalation: [8]',
    ].join('\n');
    expect(() => parsePlan(text)).toThrow(
      [
        'plan.yaml:5, field defaults.escalation.0: expected more than 128 in round 1 (escalation budgets rise above rollouts), got 64',
        'plan.yaml:5, field defaults.escalation.1: expected more than 128 in round 1 (escalation budgets rise above rollouts), got 32',
        'plan.yaml:8, field rounds.1.escalation.0: expected more than 16 in round 2 (escalation budgets rise above rollouts), got 8',
      ].join('\n'),
    );
  });
});

describe('maxFailedShardShare', () => {
  it('defaults to 0 (no failed shard), inherits from defaults, a round’s own value wins', () => {
    const plan = parsePlan(
      [
        'corpus: { path: c.jsonl }',
        'defaults:',
        "  policy: { endpoints: ['http://a:8000'], model: m }",
        '  maxFailedShardShare: 0.25',
        'rounds:',
        '  - {}',
        '  - maxFailedShardShare: 0',
      ].join('\n'),
    );
    expect(plan.rounds.map((r) => r.maxFailedShardShare)).toEqual([0.25, 0]);
    const bare = parsePlan(
      "corpus: { path: c.jsonl }\ndefaults: { policy: { endpoints: ['http://a:8000'], model: m } }\nrounds: 1\n",
    );
    expect(bare.rounds[0]?.maxFailedShardShare).toBe(0);
  });

  it('a share outside [0, 1] is an error at its file:line and field', () => {
    const text = [
      'corpus: { path: c.jsonl }',
      'defaults:',
      "  policy: { endpoints: ['http://a:8000'], model: m }",
      'rounds:',
      '  - maxFailedShardShare: 1.5',
      '  - maxFailedShardShare: -0.1',
    ].join('\n');
    expect(() => parsePlan(text)).toThrow(
      [
        'plan.yaml:5, field rounds.0.maxFailedShardShare: expected a number in [0, 1], got 1.5',
        'plan.yaml:6, field rounds.1.maxFailedShardShare: expected a number in [0, 1], got -0.1',
      ].join('\n'),
    );
  });
});

describe('hooks', () => {
  const hook: Extract<HookPlan, { kind: 'command' }> = {
    kind: 'command',
    argv: ['train', '--sft', '{sft}', '--out={out}/ckpt', '--name', 'r{round}', '{"a": 1}'],
    timeoutSeconds: 60,
  };

  it('expandHook fills each argument, without a shell', () => {
    expect(expandHook(hook, { sft: '/runs/x y/sft.jsonl', out: '/runs/o', round: '2' })).toEqual([
      'train',
      '--sft',
      '/runs/x y/sft.jsonl',
      '--out=/runs/o/ckpt',
      '--name',
      'r2',
      '{"a": 1}',
    ]);
  });

  it('hookResultSchema reads the models (and endpoints) a hook reports', () => {
    const line =
      '{"policy":{"model":"p2","endpoints":["http://new:8000"]},"ppm":{"model":"r2"},"extra":1}';
    expect(hookResultSchema.parse(JSON.parse(line))).toEqual({
      policy: { model: 'p2', endpoints: ['http://new:8000'] },
      ppm: { model: 'r2' },
      extra: 1,
    });
    expect(hookResultSchema.safeParse({ policy: { model: '' } }).success).toBe(false);
  });
});
