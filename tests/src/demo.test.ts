import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PairRow, SftRow } from '@rstar-fleet/mcts';
import { parseSearchRecordJson } from '@rstar-fleet/protocol';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');

const lines = async (path: string): Promise<string[]> =>
  (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

interface RoundStats {
  round: number;
  solved: number;
  problems: number;
  sftRows: number;
  pairs: number;
}

describe('rstar-fleet demo (installed bin, real process)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'rstar-demo-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('runs four rounds and leaves records, datasets and checkpoints per round', async () => {
    const problems = 24;
    const { stdout, stderr } = await run(
      'npx',
      ['--no-install', 'rstar-fleet', 'demo', '--problems', String(problems), '--out', out],
      { cwd: repoRoot },
    );
    expect(stderr).toContain('SIMULATED policy and PPM, not a model');
    const [runId] = await readdir(out);
    expect(runId).toMatch(/^demo-\d{14}-[0-9a-f]{4}$/);
    const runDir = join(out, runId ?? '');
    expect((await readdir(runDir)).sort()).toEqual(['round-1', 'round-2', 'round-3', 'round-4']);

    const checkpoints: string[] = [];
    for (const round of [1, 2, 3, 4]) {
      const dir = join(runDir, `round-${round}`);
      const trees = round === 4 ? 2 : 1;
      const records = (await lines(join(dir, 'results', '0.jsonl'))).map((l, i) =>
        parseSearchRecordJson(l, { source: `round-${round}/results/0.jsonl`, line: i + 1 }),
      );
      expect(records).toHaveLength(problems * trees);
      expect(new Set(records.map((r) => r.problemId)).size).toBe(problems);

      const stats = JSON.parse(await readFile(join(dir, 'stats.json'), 'utf8')) as RoundStats;
      expect(stats).toMatchObject({ round, problems });
      const solvedIds = new Set(records.filter((r) => r.stats.solved).map((r) => r.problemId));
      expect(stats.solved).toBe(solvedIds.size);

      const sft = (await lines(join(dir, 'sft.jsonl'))).map((l) => JSON.parse(l) as SftRow);
      const pairs = (await lines(join(dir, 'ppm_pairs.jsonl'))).map(
        (l) => JSON.parse(l) as PairRow,
      );
      expect(sft).toHaveLength(stats.sftRows);
      expect(pairs).toHaveLength(stats.pairs);
      // Top-2 correct trajectories per tree, only from solved problems; pairs prefer higher Q.
      expect(sft.length).toBeLessThanOrEqual(2 * trees * stats.solved);
      for (const row of sft) expect(solvedIds.has(row.problem_id)).toBe(true);
      for (const pair of pairs) expect(pair.chosen_q).toBeGreaterThan(pair.rejected_q);

      const checkpoint = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as {
        name: string;
      };
      checkpoints.push(checkpoint.name);
      expect(stdout).toMatch(new RegExp(`^${round}\\s+(terminal|ppm) Q, `, 'm'));
    }
    // Every round trains a new checkpoint that the next round serves.
    expect(new Set(checkpoints).size).toBe(4);
    expect(stdout).toContain(`outputs: ${runDir}/`);
  });

  it('rejects a bad flag with a message naming it and a data-error exit code', async () => {
    const failure = await run('npx', ['--no-install', 'rstar-fleet', 'demo', '--rounds', '9'], {
      cwd: repoRoot,
    }).catch((err: unknown) => err as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 65 });
    expect((failure as { stderr: string }).stderr).toContain('field --rounds');
  });
});
