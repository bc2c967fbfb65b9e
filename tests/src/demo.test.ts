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

describe('rstar-fleet demo (installed bin, real process)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'rstar-demo-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('searches, writes records and datasets per mode, and prints the audited table', async () => {
    const { stdout, stderr } = await run(
      'npx',
      ['--no-install', 'rstar-fleet', 'demo', '--problems', '40', '--out', out],
      { cwd: repoRoot },
    );
    expect(stderr).toContain('SIMULATED toy world, not a model');
    const [runId] = await readdir(out);
    expect(runId).toMatch(/^demo-\d{14}-[0-9a-f]{4}$/);
    const runDir = join(out, runId ?? '');
    expect((await readdir(runDir)).sort()).toEqual(['beam', 'mcts-ppm', 'mcts-terminal']);

    const solvedByMode: Record<string, number> = {};
    for (const mode of ['mcts-terminal', 'mcts-ppm', 'beam']) {
      const dir = join(runDir, mode);
      const records = (await lines(join(dir, 'results.jsonl'))).map((l, i) =>
        parseSearchRecordJson(l, { source: `${mode}/results.jsonl`, line: i + 1 }),
      );
      expect(records).toHaveLength(40);
      expect(new Set(records.map((r) => r.problemId)).size).toBe(40);
      const stats = JSON.parse(await readFile(join(dir, 'stats.json'), 'utf8')) as {
        solved: number;
        sftRows: number;
        pairs: number;
      };
      expect(stats.solved).toBe(records.filter((r) => r.stats.solved).length);
      const sft = (await lines(join(dir, 'sft.jsonl'))).map((l) => JSON.parse(l) as SftRow);
      const pairs = (await lines(join(dir, 'ppm_pairs.jsonl'))).map(
        (l) => JSON.parse(l) as PairRow,
      );
      expect(sft).toHaveLength(stats.sftRows);
      expect(pairs).toHaveLength(stats.pairs);
      // At most two SFT rows per solved problem; every pair prefers the higher Q.
      expect(sft.length).toBeLessThanOrEqual(2 * stats.solved);
      for (const pair of pairs) expect(pair.chosen_q).toBeGreaterThan(pair.rejected_q);
      solvedByMode[mode] = stats.solved;
      expect(stdout).toMatch(new RegExp(`^${mode}\\s+\\d+\\.\\d%`, 'm'));
    }
    // The PPM-augmented rule must not solve fewer toy problems than the terminal-guided one.
    expect(solvedByMode['mcts-ppm']).toBeGreaterThanOrEqual(solvedByMode['mcts-terminal'] ?? 0);
    expect(stdout).toContain(`outputs: ${runDir}/`);
  });

  it('rejects a bad flag with a message naming it and a data-error exit code', async () => {
    const failure = await run('npx', ['--no-install', 'rstar-fleet', 'demo', '--problems', '0'], {
      cwd: repoRoot,
    }).catch((err: unknown) => err as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 65 });
    expect((failure as { stderr: string }).stderr).toContain('field --problems');
  });
});
