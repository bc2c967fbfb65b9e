import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { RunState, RunStatus } from '@rstar-fleet/orchestration';
import { expectConsistentRound, processesIn, readRoundFiles } from './fleet/harness';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');
const cli = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');
const env = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin` };

jest.setTimeout(300_000);

describe('rstar-fleet demo (the fleet as child processes of the real CLI)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'rstar-demo-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('runs the rounds through the fleet and leaves the store layout, table and logs', async () => {
    const problems = 6;
    const rounds = 3;
    const { stdout, stderr } = await run(
      process.execPath,
      [
        cli,
        'demo',
        ...['--problems', String(problems), '--rounds', String(rounds)],
        // Each round's models on 12 held-out problems (the default, 40, is the full demo's).
        ...['--eval-problems', '12', '--out', out],
      ],
      { cwd: repoRoot, env, timeout: 280_000 },
    );
    expect(stderr).toContain('SIMULATED policy and PPM, not a model');
    const [runId = ''] = await readdir(join(out, 'runs'));
    expect(runId).toMatch(/^demo-\d{14}-[0-9a-f]{4}$/);
    const runDir = join(out, 'runs', runId);
    expect((await readdir(runDir)).sort()).toEqual(
      expect.arrayContaining(['demo', 'plan.yaml', 'run.json', 'round-1', 'round-2', 'round-3']),
    );
    // The services are gone with the demo.
    expect(processesIn(out)).toEqual([]);
    // Every service's log, the corpus and the plan stay with the run; Redis's data does not.
    expect((await readdir(join(runDir, 'demo'))).sort()).toEqual([
      'corpus.jsonl',
      'logs',
      'plan.yaml',
    ]);
    expect((await readdir(join(runDir, 'demo', 'logs'))).sort()).toEqual(
      expect.arrayContaining(['model-sim.log', 'orchestrator.log', 'sandbox.log', 'worker-1.log']),
    );

    const state = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as RunState;
    expect(state.status).toBe('done');
    for (let round = 1; round <= rounds; round++) {
      const files = await readRoundFiles(join(runDir, `round-${round}`));
      expectConsistentRound(files, problems);
      // A row per round with the audit of the datasets the train hook read, each share beside
      // the control's (the round's records extracted with a random choice, `--trees`).
      // (A share of nothing prints `-`: a tiny round may have no pairs.)
      const share = '(?:\\d+\\.\\d%|-) \\((?:\\d+\\.\\d%|-)\\)';
      const row = new RegExp(
        `^${round}\\s+(terminal|ppm) Q, \\d+x\\d+.*\\s+sim-policy-r${round - 1}\\s+` +
          `${files.stats.solvedPercent.toFixed(1)}%.*\\s${files.stats.sftRows}\\s+${share}\\s+` +
          `${files.stats.pairs}\\s+${share}\\s+${share}\\s`,
        'm',
      );
      expect(stdout).toMatch(row);
      const train = state.rounds[round - 1]?.hooks.train;
      expect(train?.status).toBe('succeeded');
      expect(train?.result).toMatchObject({
        audit: { sft: { rows: files.stats.sftRows }, control: { problems: expect.any(Number) } },
      });
    }
    expect(stdout).toContain('SIMULATED: the policy and PPM are apps/model-sim');
    // The evaluation table: a row per round's models, 0 (the starting ones) to the last, greedy
    // and System 2 on the held-out problems, under its legend; as the run's eval-table.json says.
    expect(stdout).toContain('Evaluation by round on synth-heldout (SIMULATED models');
    const table = JSON.parse(
      await readFile(join(runDir, 'eval-table.json'), 'utf8'),
    ) as NonNullable<RunStatus['roundTable']>;
    expect(table.rows.map((r) => r.round)).toEqual([0, 1, 2, 3]);
    expect(table.columns.map((c) => c.mode)).toEqual(['greedy', 'system2']);
    for (const row of table.rows) {
      const [greedy, system2] = row.cells.map((c) =>
        c === null ? '-' : (100 * c.accuracy).toFixed(1),
      );
      expect(stdout).toMatch(
        new RegExp(
          `^\\| ${row.round === 0 ? '0 \\(start\\)' : row.round} .*\\|\\s+${greedy} \\[.*\\|\\s+${system2} \\[`,
          'm',
        ),
      );
    }
    // Whether the last round's models beat the starting ones is not asked here: 12 held-out
    // problems after 3 rounds on 6 is inside the noise (it tied at 41.7 % once). The simulator's
    // held-out test asks it on 300 problems (tests/src/model-sim-heldout.test.ts).
    expect(stdout).toContain(`outputs: ${runDir}/`);
  });

  it('stops the whole fleet on Ctrl-C, bounded, and exits 130', async () => {
    const dir = await mkdtemp(join(out, 'interrupted-'));
    const child = spawn(process.execPath, [cli, 'demo', '--problems', '200', '--out', dir], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const searching = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('round 1')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await searching;
    // Redis, the sandbox, the simulator and two workers run in the store directory.
    expect(processesIn(dir).length).toBeGreaterThanOrEqual(5);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted');
    expect(processesIn(dir)).toEqual([]);
  });

  it('rejects a bad flag with a message naming it and a data-error exit code', async () => {
    const failure = await run(process.execPath, [cli, 'demo', '--rounds', '9'], {
      cwd: repoRoot,
      env,
    }).catch((err: unknown) => err as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 65 });
    expect((failure as { stderr: string }).stderr).toContain('field --rounds');
  });
});
