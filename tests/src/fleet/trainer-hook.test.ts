import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, startFleet, type TestFleet } from './harness';

/**
 * The real trainer as the fleet's train hook: `rstar-train round` (apps/trainer, run from its
 * venv) on the sft.jsonl / ppm_pairs.jsonl of a real simulator round, started by the
 * orchestrator's command hook, with a tiny Qwen2 base model built locally. The round must
 * accept its last stdout line as the hook result; a second run exits at once from DONE.
 */

jest.setTimeout(300_000);

const run = promisify(execFile);
const venv = join(repoRoot, 'apps', 'trainer', '.venv');
const trainCli = join(venv, 'bin', 'rstar-train');
const python = join(venv, 'bin', 'python');
const SETUP =
  'python3 -m venv apps/trainer/.venv && apps/trainer/.venv/bin/pip install -r apps/trainer/requirements.txt' +
  ' && apps/trainer/.venv/bin/pip install --no-deps -e apps/trainer';
// Tiny training: a few optimizer steps per stage on 2 cores.
const TINY = [
  ...['--sft-batch-size', '4', '--sft-per-device-batch-size', '4', '--sft-epochs', '1'],
  ...['--ppm-batch-size', '4', '--ppm-per-device-batch-size', '4', '--ppm-epochs', '1'],
  ...['--sft-max-length', '512', '--ppm-max-length', '512', '--quiet'],
];

const work = mkdtempSync(join(tmpdir(), 'rstar-trainer-hook-'));
const baseModel = join(work, 'base');
const modelsDir = join(work, 'models');
let fleet: TestFleet | undefined;

/** Replaces `pattern` (which must match once) in the plan text. */
function replaceOnce(text: string, pattern: RegExp, value: string, what: string): string {
  const hits = text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;
  if (hits !== 1) throw new Error(`rendered plan: expected one ${what}, found ${hits}`);
  return text.replace(pattern, value);
}

/** Round 1 trains with rstar-train; the simulator's deploy hook (no checkpoint.json) goes. */
function withTrainerHook(plan: string): string {
  const argv = [
    trainCli,
    ...['round', '--run', '{run}', '--round', '{round}', '--sft', '{sft}'],
    ...['--pairs', '{pairs}', '--out', '{out}', '--base-model', baseModel],
    ...['--models-dir', modelsDir, '--metrics-port', '0', ...TINY],
  ];
  const noDeploy = replaceOnce(
    plan,
    /^ {4}deploy:\n {6}command: >-\n(?: {8}.*\n)+ {6}timeoutSeconds: \d+\n/m,
    '',
    'defaults deploy hook',
  );
  return replaceOnce(
    noDeploy,
    /^ {4}hooks:\n {6}train:\n {8}command: >-\n(?: {10}.*(?:\n|$))+/m,
    `    hooks:\n      train:\n        command: ${JSON.stringify(argv)}\n        timeoutSeconds: 240\n`,
    'round 1 train hook',
  );
}

beforeAll(async () => {
  if (!existsSync(trainCli)) {
    throw new Error(
      `the trainer's Python environment is missing (${trainCli}); create it from the repository root with:\n  ${SETUP}`,
    );
  }
  await run(python, ['-m', 'rstar_trainer.testing.tiny_model', baseModel], { timeout: 120_000 });
});

afterAll(async () => {
  await fleet?.teardown();
  rmSync(work, { recursive: true, force: true });
});

describe('rstar-train round as the fleet train hook (separate processes)', () => {
  it('trains on a simulator round, is accepted as the hook result, and a rerun exits at once', async () => {
    fleet = await startFleet({
      problems: 6,
      rounds: 1,
      budgets: [{ rollouts: 4, candidates: 3 }],
      editPlan: withTrainerHook,
    });
    await fleet.runToCompletion(240_000);
    const files = await fleet.readRound(1);
    expect(files.sft.length).toBeGreaterThan(0);
    expect(files.pairs.length).toBeGreaterThan(0);

    const round = fleet.runState().rounds.find((r) => r.round === 1);
    const expected = { policy: { model: 'rstar-policy-r1' }, ppm: { model: 'rstar-ppm-r1' } };
    expect(round?.hooks.train).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(round?.hooks.train?.result).toEqual(expected);

    const out = join(modelsDir, fleet.run, 'round-1');
    expect(readdirSync(out).sort()).toEqual(
      ['.work', 'DONE', 'policy', 'ppm', 'train-report.json'].sort(),
    );
    const report = JSON.parse(readFileSync(join(out, 'train-report.json'), 'utf8')) as {
      sft: { rows: number; final_step: number; planned_steps: number };
      ppm: { rows: number; final_step: number; planned_steps: number };
    };
    // Every row the fleet wrote was trained on (nothing dropped on the way).
    expect(report.sft.rows).toBe(files.sft.length);
    expect(report.ppm.rows).toBe(files.pairs.length);
    expect(report.sft.final_step).toBe(report.sft.planned_steps);
    expect(report.ppm.final_step).toBe(report.ppm.planned_steps);
    const ppmConfig = JSON.parse(readFileSync(join(out, 'ppm', 'config.json'), 'utf8')) as {
      architectures: string[];
      problem_type: string;
    };
    expect(ppmConfig).toMatchObject({
      architectures: ['Qwen2ForSequenceClassification'],
      problem_type: 'regression',
    });

    // The same hook again (a retried pod): DONE exists, the same line, no training.
    const argv = round?.hooks.train?.target ?? [];
    const again = await run(argv[0] ?? trainCli, argv.slice(1), { timeout: 60_000 });
    expect(again.stdout.trimEnd().split('\n').at(-1)).toBe(JSON.stringify(expected));
    expect(again.stderr).toContain('DONE exists: nothing to do');
  });
});
