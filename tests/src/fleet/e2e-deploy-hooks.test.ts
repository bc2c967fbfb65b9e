import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT } from '@rstar-fleet/model-sim';
import { LocalFleet, freePort } from '@rstar-fleet/local-fleet';
import { startSimulator, type SimulatorService } from '@rstar-fleet/cli';
import { cliScript, repoRoot } from './harness';

/**
 * The deploy hooks as the orchestrator runs them, as separate processes: `rstar-fleet model-sim
 * load` against a running simulator (the local plan), and scripts/vllm-rollout.sh (the cluster
 * plan) with a stand-in kubectl on PATH and the simulator answering /v1/models.
 */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'rstar-deploy-'));
const path = `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
let sim: SimulatorService;

beforeAll(async () => {
  const fleet = new LocalFleet({ restart: 'never' });
  sim = await startSimulator({ cliScript, cwd: dir, env: { PATH: path }, fleet }, await freePort());
});
afterAll(async () => {
  await sim?.stop(3_000);
  rmSync(dir, { recursive: true, force: true });
});

const lastLine = (text: string): unknown => JSON.parse(text.trimEnd().split('\n').at(-1) ?? '');

function writeCheckpoint(name: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...DEFAULT_CHECKPOINT, name }));
  return file;
}

describe('deploy hooks (separate processes)', () => {
  it('model-sim load deploys to $RSTAR_SIM_URL and prints the hook result line', async () => {
    const { stdout } = await run(
      process.execPath,
      [cliScript, 'model-sim', 'load', '--checkpoint', writeCheckpoint('r5')],
      { env: { PATH: path, RSTAR_SIM_URL: sim.url }, cwd: dir },
    );
    expect(lastLine(stdout)).toEqual({
      policy: { model: 'sim-policy-r5' },
      ppm: { model: 'sim-ppm-r5' },
    });
    const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['sim-policy-r5', 'sim-ppm-r5']);
  });

  it('passes --checkpoint to `model-sim train`, not to the server command', async () => {
    const protocol = compileStepProtocol();
    const record = synthRecord(2, 0);
    writeFileSync(
      join(dir, 'sft.jsonl'),
      `${JSON.stringify({ prompt: renderPrompt(protocol, record.problem), completion: record.solution })}\n`,
    );
    writeFileSync(join(dir, 'pairs.jsonl'), '');
    const { stdout } = await run(
      process.execPath,
      [
        cliScript,
        'model-sim',
        'train',
        ...['--checkpoint', writeCheckpoint('r2'), '--sft', join(dir, 'sft.jsonl')],
        ...['--pairs', join(dir, 'pairs.jsonl'), '--out', join(dir, 'r3.json')],
      ],
      { env: { PATH: path }, cwd: dir },
    );
    expect(lastLine(stdout)).toMatchObject({ from: 'r2', to: 'r3' });
  });

  it('scripts/vllm-rollout.sh rolls both StatefulSets and waits for the new models', async () => {
    const bin = join(dir, 'bin');
    const calls = join(dir, 'kubectl-calls');
    // A stand-in kubectl: records its arguments, answers the StatefulSet queries.
    writeFileSync(calls, '');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'kubectl'),
      [
        '#!/usr/bin/env bash',
        `echo "$*" >> '${calls}'`,
        'case "$*" in',
        '  *".spec.replicas"*) printf 1 ;;',
        '  *".spec.serviceName"*) printf vllm ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'kubectl'), 0o755);
    // The simulator plays both servers: load r7, then ask the script to wait for its names.
    await run(
      process.execPath,
      [cliScript, 'model-sim', 'load', '-c', writeCheckpoint('r7'), '--url', sim.url],
      { env: { PATH: path }, cwd: dir },
    );
    const { stdout } = await run(
      'bash',
      [
        join(repoRoot, 'scripts', 'vllm-rollout.sh'),
        ...['--namespace', 'rstar-test', '--timeout', '60'],
        ...['--policy-model', 'sim-policy-r7', '--ppm-model', 'sim-ppm-r7'],
        ...['--policy-url', sim.url, '--ppm-url', sim.url],
        ...['exp-1', '7', '/store/runs/exp-1/round-7'],
      ],
      { env: { PATH: `${bin}:${path}` }, cwd: dir },
    );
    expect(lastLine(stdout)).toEqual({
      policy: { model: 'sim-policy-r7' },
      ppm: { model: 'sim-ppm-r7' },
    });
    const log = readFileSync(calls, 'utf8');
    expect(log).toContain(
      'set env statefulset/vllm-policy RSTAR_MODEL_PATH=/models/exp-1/round-7/policy ' +
        'RSTAR_SERVED_MODEL_NAME=sim-policy-r7',
    );
    expect(log).toContain('RSTAR_MODEL_PATH=/models/exp-1/round-7/ppm');
    expect(log).toContain('rollout status statefulset/vllm-ppm');
    expect(log).toContain('--namespace rstar-test');
  });

  it('scripts/vllm-rollout.sh explains itself and rejects bad arguments with exit 64', async () => {
    const script = join(repoRoot, 'scripts', 'vllm-rollout.sh');
    const help = await run('bash', [script, '--help'], { env: { PATH: path } });
    expect(help.stdout).toContain('Usage: vllm-rollout.sh');
    const bad = await run('bash', [script, 'exp-1', 'x'], { env: { PATH: path } }).catch(
      (err: unknown) => err as { code: number; stderr: string },
    );
    expect(bad).toMatchObject({ code: 64 });
    expect((bad as { stderr: string }).stderr).toContain('ROUND must be a positive integer');
  });
});
