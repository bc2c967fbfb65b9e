import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli, type CliRun } from '../testing/run-cli';

const EXAMPLES = join(__dirname, '../../../../examples');

const run = (...args: string[]): Promise<CliRun> => runCli('plan', ...args);

describe('rstar-fleet plan check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rstar-plan-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the compiled plan with one row per round', async () => {
    const file = join(EXAMPLES, 'local-sim.yaml');
    // Its corpus is written by `corpus synth` where the services run, not here.
    const { code, stdout, stderr } = await run('check', '--no-check-files', file);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`${file}: ok, run "local-sim", 4 round(s)\n`);
    expect(stdout).toContain('  store    dir ./runs\n');
    expect(stdout).toContain('  sandbox  127.0.0.1:50051\n');
    expect(stdout).toMatch(/^ {2}round {2}mode {2}q +rollouts {2}cand {2}trees {2}escalate/m);
    expect(stdout).toMatch(
      /^ {2}1 +mcts +terminal +8 +5 +1 +- +16 +2 +0\.7 +1 +2048 +256 +sim-policy-r0/m,
    );
    expect(stdout).toMatch(/^ {2}4 +mcts +ppm +16 +16 +2 +64>128 /m);
  });

  it('prints the compiled plan as JSON with --json', async () => {
    const { code, stdout } = await run('check', '--json', join(EXAMPLES, 'vllm-cluster.yaml'));
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { store: unknown; rounds: { hooks: unknown }[] };
    expect(plan.store).toMatchObject({ kind: 's3', bucket: 'rstar-fleet-runs' });
    expect(plan.rounds).toHaveLength(4);
    expect(plan.rounds[0]?.hooks).toMatchObject({
      train: { kind: 'kubernetes-job', template: 'infra/k8s/train-job.yaml', namespace: 'rstar' },
      deploy: { kind: 'command', argv: ['./scripts/vllm-rollout.sh', '{run}', '{round}', '{out}'] },
    });
  });

  it('passes examples/local-gpu.yaml: rstar-train round as the train hook on one GPU box', async () => {
    const file = join(EXAMPLES, 'local-gpu.yaml');
    const { code, stdout, stderr } = await run('check', '--no-check-files', '--json', file);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const plan = JSON.parse(stdout) as {
      rounds: { hooks: { train: { argv: string[] }; deploy: { argv: string[] } } }[];
    };
    expect(plan.rounds).toHaveLength(4);
    const { train, deploy } = plan.rounds[0]!.hooks;
    // The servers give the GPU back, then the trainer runs; its last line is the hook result.
    expect(train.argv.slice(0, 5)).toEqual([
      './scripts/local-gpu-vllm.sh',
      'free',
      '--',
      'rstar-train',
      'round',
    ]);
    for (const v of ['run', 'round', 'sft', 'pairs', 'out']) {
      expect(train.argv).toContain(`--${v}={${v}}`);
    }
    expect(deploy.argv).toEqual(['./scripts/local-gpu-vllm.sh', 'serve', '{run}', '{round}']);
    await expect(access(join(EXAMPLES, '..', 'scripts', 'local-gpu-vllm.sh'))).resolves.toBe(
      undefined,
    );
  });

  it('exits 65 with every error as FILE:LINE, field', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'corpus: { path: c.jsonl }',
        'defaults:',
        "  policy: { endpoints: ['http://p:8000'], model: p, dialect: tgi }",
        'rounds:',
        '  - rolouts: 8',
        '  - rollouts: -1',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await run('check', file);
    expect({ code, stdout }).toEqual({ code: 65, stdout: '' });
    expect(stderr).toBe(
      [
        `rstar-fleet: ${file}:3, field defaults.policy.dialect: expected one of vllm, sglang, llamacpp, openai, got "tgi"`,
        `${file}:5, field rounds.0.rolouts: unknown key (a typo?)`,
        `${file}:6, field rounds.1.rollouts: expected a positive integer, got -1`,
        '',
      ].join('\n'),
    );
  });

  it("exits 65 naming evaluate:'s PPM mode when no PPM serves the evaluated models", async () => {
    const file = join(dir, 'eval-no-ppm.yaml');
    await writeFile(
      file,
      [
        'corpus: { path: c.jsonl }',
        "defaults: { policy: { endpoints: ['http://p:8000'], model: p } }",
        'rounds: 2',
        'evaluate:',
        '  benchmarks: [gsm8k]',
        '  modes: [greedy, system2]',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await run('check', '--no-check-files', file);
    expect({ code, stdout }).toEqual({ code: 65, stdout: '' });
    expect(stderr).toContain(
      `${file}:6, field evaluate.modes.1: system2 scores with a PPM, and the models evaluated ` +
        'at round(s) 0 have none (plan round(s) 1 configure no ppm)',
    );
  });

  it('exits 66 naming the plan line and the resolved path when the corpus is missing', async () => {
    const file = join(dir, 'no-corpus.yaml');
    await writeFile(
      file,
      [
        'name: x',
        'corpus:',
        '  path: no-such-dir/c.jsonl',
        'defaults:',
        "  policy: { endpoints: ['http://p:8000'], model: p }",
        'rounds: 2',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await run('check', file);
    expect({ code, stdout }).toEqual({ code: 66, stdout: '' });
    expect(stderr).toBe(
      `rstar-fleet: ${file}:3, field corpus.path: cannot read corpus ` +
        `${resolve('no-such-dir/c.jsonl')} (no-such-dir/c.jsonl from ${process.cwd()}): no such file\n`,
    );
    // A directory is not a corpus either; an existing file passes.
    const corpusDir = join(dir, 'corpus-dir');
    await mkdir(corpusDir);
    await writeFile(
      file,
      `corpus: { path: ${corpusDir} }\ndefaults: { policy: { endpoints: ['http://p:8000'], model: p } }\nrounds: 2\n`,
    );
    expect((await run('check', file)).stderr).toContain(
      `${file}:1, field corpus.path: cannot read corpus ${corpusDir}: not a regular file`,
    );
    await writeFile(join(corpusDir, 'c.jsonl'), '{"problem": "1+1?", "answer": "2"}\n');
    await writeFile(
      file,
      `corpus: { path: 'file://${corpusDir}/c.jsonl' }\ndefaults: { policy: { endpoints: ['http://p:8000'], model: p } }\nrounds: 2\n`,
    );
    expect((await run('check', file)).code).toBe(0);
  });

  it('is checked by `run` too, before Redis is opened', async () => {
    const file = join(dir, 'run-no-corpus.yaml');
    // Nothing listens on port 9: a run that opened Redis would fail otherwise (or hang).
    await writeFile(
      file,
      `corpus: { path: ${join(dir, 'absent.jsonl')} }\nredis: { url: 'redis://127.0.0.1:9' }\n` +
        "defaults: { policy: { endpoints: ['http://p:8000'], model: p } }\nrounds: 2\n",
    );
    const { code, stderr } = await runCli('run', '--plan', file, '--http-port', '0');
    expect(code).toBe(66);
    expect(stderr).toBe(
      `rstar-fleet: ${file}:1, field corpus.path: cannot read corpus ${join(dir, 'absent.jsonl')}: no such file\n`,
    );
  });

  it('exits 66 when the file is missing', async () => {
    const { code, stderr } = await run('check', join(dir, 'missing.yaml'));
    expect(code).toBe(66);
    expect(stderr).toContain('cannot read plan');
  });
});
