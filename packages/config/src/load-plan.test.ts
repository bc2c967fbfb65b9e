import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '@rstar-fleet/protocol';
import { loadPlan, parsePlan } from './load-plan';
import { PlanError } from './plan-error';

const EXAMPLES = join(__dirname, '../../../examples');

/** A minimal valid plan, then lines appended; line numbers in tests count from here. */
const BASE = [
  'corpus:', //                                                  1
  '  path: ./data/synth.jsonl', //                                2
  'defaults:', //                                                 3
  '  policy:', //                                                 4
  "    endpoints: ['http://127.0.0.1:8000']", //                  5
  '    model: sim-policy-r0', //                                  6
  '  ppm:', //                                                    7
  "    endpoints: ['http://127.0.0.1:8000']", //                  8
  '    model: sim-ppm-r0', //                                     9
];

function plan(...extra: string[]): string {
  return [...BASE, ...extra].join('\n') + '\n';
}

function issuesOf(text: string): string[] {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (err) {
    if (err instanceof PlanError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a PlanError');
}

describe('parsePlan errors name file:line and field', () => {
  it('a typo in a key', () => {
    expect(issuesOf(plan('  rolouts: 8'))).toEqual([
      'plan.yaml:10, field defaults.rolouts: unknown key (a typo?)',
    ]);
  });

  it('a wrong type', () => {
    expect(issuesOf(plan('  maxDepth: deep'))).toEqual([
      'plan.yaml:10, field defaults.maxDepth: expected a positive integer, got "deep"',
    ]);
  });

  it('a negative rollout count, in the third round', () => {
    expect(
      issuesOf(plan('rounds:', '  - {}', '  - {}', '  - qRule: ppm', '    rollouts: -8')),
    ).toEqual(['plan.yaml:14, field rounds.2.rollouts: expected a positive integer, got -8']);
  });

  it('an unknown dialect', () => {
    expect(issuesOf(plan('    dialect: tgi'))).toEqual([
      'plan.yaml:10, field defaults.ppm.dialect: expected one of vllm-classify, vllm-pooling, sglang-classify, got "tgi"',
    ]);
  });

  it('a ppm round without a PPM endpoint', () => {
    const text = [
      'corpus: { path: c.jsonl }',
      'defaults:',
      "  policy: { endpoints: ['http://p:8000'], model: p }",
      'rounds:',
      '  - qRule: terminal',
      '  - qRule: ppm',
      '    rollouts: 16',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      'plan.yaml:6, field rounds.1.ppm.endpoints: required: qRule is ppm in this round',
      'plan.yaml:6, field rounds.1.ppm.model: required: qRule is ppm in this round',
    ]);
  });

  it('beam mode without a PPM', () => {
    const text = [
      'corpus: { path: c.jsonl }',
      'defaults:',
      "  policy: { endpoints: ['http://p:8000'], model: p }",
      'rounds:',
      '  - mode: beam',
      '    qRule: terminal',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      'plan.yaml:5, field rounds.0.ppm.endpoints: required: beam search ranks by the PPM in this round',
      'plan.yaml:5, field rounds.0.ppm.model: required: beam search ranks by the PPM in this round',
    ]);
  });

  it('reports every problem at once, in file order', () => {
    const text = [
      'corpus:',
      '  path: c.jsonl',
      '  format: csv',
      'store: { dir: ./runs, s3: { bucket: b } }',
      'redis: { url: http://127.0.0.1:6379 }',
      'defaults:',
      '  policy:',
      "    endpoints: ['ftp://p']",
      '    model: p',
      '  sampling: { topP: 0, temprature: 0.7 }',
      'rounds:',
      '  - rollouts: 1.5',
      '  - candidates: 0',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      'plan.yaml:3, field corpus.format: expected one of auto, jsonl, parquet, got "csv"',
      'plan.yaml:4, field store: expected exactly one of dir, s3',
      'plan.yaml:5, field redis.url: expected a redis:// or rediss:// URL, got "http://127.0.0.1:6379"',
      'plan.yaml:8, field defaults.policy.endpoints.0: expected an http(s) URL, got "ftp://p"',
      'plan.yaml:10, field defaults.sampling.topP: expected a number in (0, 1], got 0',
      'plan.yaml:10, field defaults.sampling.temprature: unknown key (a typo?)',
      'plan.yaml:12, field rounds.0.rollouts: expected a positive integer, got 1.5',
      'plan.yaml:13, field rounds.1.candidates: expected a positive integer, got 0',
    ]);
  });

  it('a missing required section', () => {
    expect(issuesOf('rounds: 4\n')).toEqual(['plan.yaml:1, field corpus: required']);
  });

  it('a YAML syntax error, with its line', () => {
    const [first] = issuesOf(plan('  rollouts: [8'));
    expect(first).toMatch(/^plan\.yaml:1\d: /);
  });

  it('is an InvalidInputError whose where points at the first issue', () => {
    try {
      parsePlan(plan('  rolouts: 8'), 'p.yaml');
      throw new Error('expected a PlanError');
    } catch (err) {
      expect(err).toBeInstanceOf(PlanError);
      const e = err as PlanError;
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.where).toEqual({ source: 'p.yaml', line: 10, field: 'defaults.rolouts' });
      expect(e.issues).toHaveLength(1);
    }
  });
});

describe('hook templates', () => {
  it('rejects an unknown {variable}, naming the list element', () => {
    const lines = issuesOf(
      plan('  hooks:', '    train:', "      command: [train, '--data', '{sft_path}']"),
    );
    expect(lines).toEqual([
      'plan.yaml:12, field defaults.hooks.train.command.2: unknown variable {sft_path} (known: {run}, {round}, {sft}, {pairs}, {out}, {prev_out})',
    ]);
  });

  it('leaves braces that are not a bare identifier alone (JSON, object literals)', () => {
    const compiled = parsePlan(
      plan('  hooks:', '    deploy:', "      command: ['node', '-e', \"f({a: 1}, {out})\"]"),
    );
    expect(compiled.rounds[3]?.hooks.deploy).toEqual({
      kind: 'command',
      argv: ['node', '-e', 'f({a: 1}, {out})'],
      timeoutSeconds: 3600,
    });
  });

  it('wants exactly one of command and kubernetesJob', () => {
    expect(issuesOf(plan('  hooks:', '    train: { timeoutSeconds: 60 }'))).toEqual([
      'plan.yaml:11, field defaults.hooks.train: expected exactly one of command, kubernetesJob',
    ]);
  });

  it('rejects {prev_out} in round 1, where there is no previous round', () => {
    expect(
      issuesOf(plan('  hooks:', '    train:', "      command: 'train --from {prev_out}'")),
    ).toEqual([
      'plan.yaml:11, field defaults.hooks.train: {prev_out} is not defined in round 1 (no previous round)',
    ]);
  });
});

describe('loadPlan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rstar-plan-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the file path in errors', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, plan('  c: -1'));
    await expect(loadPlan(file)).rejects.toThrow(
      `${file}:10, field defaults.c: expected a non-negative number, got -1`,
    );
  });

  it('a missing file is NOT_FOUND', async () => {
    await expect(loadPlan(join(dir, 'missing.yaml'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each(['local-sim.yaml', 'vllm-cluster.yaml', 'local-gpu.yaml'])(
    'examples/%s loads and compiles',
    async (name) => {
      const compiled = await loadPlan(join(EXAMPLES, name));
      expect(compiled.rounds).toHaveLength(4);
      expect(
        compiled.rounds.map((r) => [r.search.qRule, r.search.rollouts, r.search.candidates]),
      ).toEqual([
        ['terminal', 8, 5],
        ['terminal', 16, 8],
        ['ppm', 16, 8],
        ['ppm', 16, 16],
      ]);
      expect(compiled.rounds[3]?.search).toMatchObject({ trees: 2, escalation: [64, 128] });
      for (const round of compiled.rounds) {
        expect(round.hooks.train).not.toBeNull();
        expect(round.hooks.deploy).not.toBeNull();
      }
    },
  );
});

describe('shapes', () => {
  it('says what shape was expected', () => {
    expect(issuesOf('- a\n')).toEqual(['plan.yaml:1: expected a mapping (key: value)']);
    expect(issuesOf(plan('  sampling: high'))).toEqual([
      'plan.yaml:10, field defaults.sampling: expected a mapping (key: value), got "high"',
    ]);
    expect(issuesOf(plan('  escalation: 64'))).toEqual([
      'plan.yaml:10, field defaults.escalation: expected a list of rollout counts, got 64',
    ]);
  });

  it('an empty file lacks the corpus', () => {
    expect(issuesOf('')).toEqual(['plan.yaml, field corpus: required']);
  });
});
