import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { LocalFleet, freePort } from '@rstar-fleet/local-fleet';
import {
  startSandbox,
  startSimulator,
  type LaunchContext,
  type SandboxService,
  type SimulatorService,
} from '@rstar-fleet/cli';
import { writeSynthCorpus } from '@rstar-fleet/corpus';
import { parseSearchRecordJson } from '@rstar-fleet/protocol';
import { testUidBase } from '@rstar-fleet/sandbox/testing';

/**
 * `rstar-fleet solve` end to end: the real CLI process against the SIMULATED model server (a
 * separate process speaking the vLLM API) and the real gRPC sandbox process.
 */

const execFileAsync = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');
const cliScript = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(dir: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cliScript, ...args], {
      cwd: dir,
      timeout: 120_000,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The fields of a `solve --json` line this test reads. */
interface SolveLine {
  problemId: string;
  reference: string | null;
  answer: string | null;
  support: number;
  considered: number;
  correct: boolean | null;
  winner: { run: number; steps: { kind: string; text: string }[] } | null;
  classes: { answer: string; votes: number; runs: number[] }[];
  runs: { run: number; seed: number; answer: string | null }[];
}

describe('rstar-fleet solve (CLI process, simulator, sandbox)', () => {
  let dir: string;
  let sandbox: SandboxService;
  let sim: SimulatorService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rstar-solve-'));
    const ctx: LaunchContext = {
      cliScript,
      cwd: dir,
      env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: dir },
      fleet: new LocalFleet({ restart: 'never' }),
    };
    sandbox = await startSandbox(ctx, { workers: 2, uidBase: testUidBase() });
    sim = await startSimulator(ctx, await freePort());
  }, 90_000);

  afterAll(async () => {
    await Promise.all([sim?.stop(3_000), sandbox?.stop(5_000)]);
    rmSync(dir, { recursive: true, force: true });
  });

  const models = (): string[] => [
    ...['--policy', sim.url, '--policy-model', 'sim-policy-r0'],
    ...['--ppm', sim.url, '--ppm-model', 'sim-ppm-r0'],
    ...['--sandbox', sandbox.address],
  ];

  it('answers synthetic problems by System 2; the record, the trees and the grade agree', async () => {
    const corpus = join(dir, 'corpus.jsonl');
    await writeSynthCorpus(corpus, 3, 5);
    const trees = join(dir, 'trees.jsonl');
    const small = ['--runs', '4', '--candidates', '4', '--rollouts', '4', '--seed', '7'];
    const res = await cli(
      dir,
      'solve',
      ...models(),
      ...small,
      '--file',
      corpus,
      '--json',
      '--tree',
      trees,
    );
    expect(res.stderr).toContain('solve: 3 problem(s) done');
    expect(res.code).toBe(0);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SolveLine);
    expect(lines).toHaveLength(3);
    const references = readFileSync(corpus, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { answer: string }).answer);
    const records = readFileSync(trees, 'utf8')
      .trim()
      .split('\n')
      .map((l) => parseSearchRecordJson(l));
    expect(records).toHaveLength(3 * 4);

    for (const [i, line] of lines.entries()) {
      expect(line.reference).toBe(references[i]);
      expect(line.runs.map((r) => r.seed)).toEqual([7, 8, 9, 10]);
      expect(line.answer).not.toBeNull();
      // The chosen answer is the winning class of the top-4 vote, and the trajectory shown ends
      // in that answer.
      const winner = line.classes.find((c) => c.answer === line.answer)!;
      expect(winner.votes).toBe(line.support);
      expect(Math.max(...line.classes.map((c) => c.votes))).toBe(line.support);
      expect(line.considered).toBe(4);
      const last = line.winner!.steps.at(-1)!;
      expect(last.kind).toBe('answer');
      expect(last.text).toContain(`\\boxed{${line.answer}}`);
      // Graded against the known answer exactly as `rstar-fleet grade` grades it.
      const graded = await cli(dir, 'grade', line.answer!, line.reference!);
      expect(line.correct).toBe(graded.stdout.trim() === 'true');
      // The run's tree: searched without the reference, every answer scored by the PPM, and the
      // run's answer is its highest-PPM answer.
      const run = records[i * 4 + line.winner!.run]!;
      expect(run.reference).toBeNull();
      expect(run.search).toMatchObject({
        algorithm: 'mcts',
        qRule: 'ppm',
        candidates: 4,
        rollouts: 4,
      });
      const answers = run.nodes.filter((n) => n.terminal === 'answer');
      for (const n of answers) expect(n.correct).toBeUndefined();
      const top = Math.max(...answers.map((n) => n.ppm!));
      expect(answers.find((n) => n.ppm === top)!.answer).toBe(line.runs[line.winner!.run]!.answer);
    }
  }, 180_000);

  it('prints the answer, its support and the steps for one problem; greedy runs once', async () => {
    const question = readFileSync(join(dir, 'corpus.jsonl'), 'utf8').split('\n')[0]!;
    const { problem } = JSON.parse(question) as { problem: string };
    const res = await cli(dir, 'solve', ...models(), '--mode', 'greedy', problem);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ {2}answer {3}\S+/m);
    expect(res.stdout).toMatch(/support 1\/1/);
    expect(res.stdout).toContain('mode     greedy: 1 run(s)');
    expect(res.stdout).toMatch(/step 1 \[code/);
  }, 120_000);

  it('fails fast naming the PPM endpoint when the PPM cannot be reached', async () => {
    const port = await freePort();
    const res = await cli(
      dir,
      'solve',
      ...['--policy', sim.url, '--policy-model', 'sim-policy-r0'],
      ...['--ppm', `http://127.0.0.1:${port}`, '--ppm-model', 'ppm'],
      ...['--sandbox', sandbox.address, '--runs', '2'],
      'What is 2 + 3?',
    );
    expect(res.code).toBe(69);
    expect(res.stderr).toContain(`ppm 127.0.0.1:${port} unreachable`);
    expect(res.stderr).toContain(`http://127.0.0.1:${port}/health`);
    expect(res.stdout).toBe('');
  }, 60_000);
});
