import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVALUATE_DEFAULTS } from '@rstar-fleet/config';
import { TEST_TIME_DEFAULTS } from '@rstar-fleet/mcts';
import { EVAL_NAMES } from '@rstar-fleet/orchestration';
import { runCli } from '../testing/run-cli';
import { EVAL_HELP_DEFAULTS } from './eval';

describe('rstar-fleet eval (flags)', () => {
  it('shows in --help the defaults the evaluation is compiled with', async () => {
    const d = EVAL_HELP_DEFAULTS;
    expect(d.modes).toBe(EVALUATE_DEFAULTS.modes.join(','));
    expect([d.runs, d.candidates, d.rollouts, d.maxDepth, d.topK]).toEqual([
      TEST_TIME_DEFAULTS.runs,
      TEST_TIME_DEFAULTS.mcts.candidates,
      TEST_TIME_DEFAULTS.mcts.rollouts,
      TEST_TIME_DEFAULTS.mcts.maxDepth,
      TEST_TIME_DEFAULTS.selection.topK,
    ]);
    expect([d.seed, d.shardSize, d.maxFailedShare, d.temperature]).toEqual([
      EVALUATE_DEFAULTS.seed,
      EVALUATE_DEFAULTS.shardSize,
      EVALUATE_DEFAULTS.maxFailedShardShare,
      EVALUATE_DEFAULTS.sampling.temperature,
    ]);
    expect([d.name, d.customName]).toEqual([EVAL_NAMES.eval, EVAL_NAMES.custom]);
    const help = await runCli('eval', '--help');
    expect(help.code).toBe(0);
    // Commander wraps the descriptions: compare with the line breaks as spaces.
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain(`(default ${d.modes})`);
    expect(text).toContain(`every mode but greedy (default ${d.runs})`);
    expect(text).toMatch(/--report recount the report from the stored records alone/);
  });

  it('refuses an unknown mode or benchmark before reading anything', async () => {
    const mode = await runCli('eval', '--plan', 'p.yaml', '--modes', 'greedy,best');
    expect(mode.code).toBe(64);
    expect(mode.stderr).toContain('unknown mode "best"');
    const bench = await runCli('eval', '--plan', 'p.yaml', '--benchmark', 'math9000');
    expect(bench.code).toBe(64);
    expect(bench.stderr).toContain('math9000');
  });

  describe('with a plan and a store', () => {
    let dir: string;
    let plan: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'rstar-evalcli-'));
      plan = join(dir, 'plan.yaml');
      writeFileSync(
        plan,
        [
          'name: ev',
          'corpus: { path: c.jsonl }',
          `store: { dir: ${join(dir, 'runs')} }`,
          // Nothing listens there: commands that need Redis fail fast.
          'redis: { url: redis://127.0.0.1:9 }',
          "defaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: p0 } }",
          'rounds: 1',
          '',
        ].join('\n'),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('--report refuses an evaluation that has no records, naming it (no Redis needed)', async () => {
      const res = await runCli('eval', '--plan', plan, '--run', 'r1', '--report', '--round', '0');
      expect(res.code).toBe(78);
      expect(res.stderr).toMatch(/run r1 has no evaluation "eval" of round 0 .*eval\.json/);
    });

    it('asks for a benchmark when the plan has no evaluate: section', async () => {
      const res = await runCli('eval', '--plan', plan, '--round', '0', '--no-probe');
      expect(res.code).toBe(65);
      expect(res.stderr).toMatch(/give --benchmark NAME or --file PATH .*no evaluate: section/);
    });

    it('names the setting a flag gets wrong (compiled as the plan compiles evaluate:)', async () => {
      const res = await runCli(
        'eval',
        '--plan',
        plan,
        '--benchmark',
        'gsm8k',
        '--benchmark',
        'gsm8k',
        '--no-probe',
      );
      expect(res.code).toBe(65);
      expect(res.stderr).toContain('benchmark gsm8k is listed twice');
    });
  });
});
