import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BENCHMARKS_DIR_ENV, DEFAULT_BENCHMARKS_DIR } from '../benchmarks-dir';
import { CLI_SCRIPT } from '../cli-script';
import { runCli, type CliRun } from '../testing/run-cli';

const BENCHMARKS = join(__dirname, '../../../../../shared/data/benchmarks');

const run = (...args: string[]): Promise<CliRun> => runCli('corpus', 'inspect', ...args);

describe('rstar-fleet corpus inspect --benchmark', () => {
  it('defaults to the checkout sibling shared/data/benchmarks', () => {
    expect(DEFAULT_BENCHMARKS_DIR).toBe(BENCHMARKS);
  });

  it('reads a benchmark by name, its rows without an answer located and counted', async () => {
    const { code, stdout, stderr } = await run('--benchmark', 'gaokao2023en');
    const file = join(BENCHMARKS, 'gaokao2023en-test.jsonl');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`${file}: jsonl, adapter qa\n`);
    expect(stdout).toContain('  rows read    385\n');
    expect(stdout).toContain('  accepted     383\n');
    expect(stdout).toContain('  rejected     2\n');
    expect(stdout).toContain(`      ${file}:168, field answer: is empty\n`);
    expect(stdout).toContain('    gaokao2023en 383\n');
  });

  it('takes the folder from --benchmarks-dir, else from RSTAR_BENCHMARKS_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rstar-bench-'));
    copyFileSync(join(BENCHMARKS, 'amc23-test.jsonl'), join(dir, 'amc23-test.jsonl'));
    const flag = await run('--json', '--benchmark', 'amc23', '--benchmarks-dir', dir);
    expect(flag.code).toBe(0);
    expect(JSON.parse(flag.stdout)).toMatchObject({
      file: join(dir, 'amc23-test.jsonl'),
      read: 40,
      accepted: 40,
    });
    // The variable is read by the real CLI process (the built bin), as a user's shell sets it.
    const env = { PATH: '/usr/bin:/bin', [BENCHMARKS_DIR_ENV]: dir };
    const args = [CLI_SCRIPT, 'corpus', 'inspect', '--json', '--benchmark', 'amc23'];
    const { stdout } = await promisify(execFile)(process.execPath, args, { env });
    expect(JSON.parse(stdout)).toMatchObject({ file: join(dir, 'amc23-test.jsonl'), read: 40 });
  });

  it('generates synth-heldout for --seed and --count', async () => {
    const { code, stdout } = await run('--json', '--benchmark', 'synth-heldout', '--count', '25');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      file: 'synth-heldout(seed 1)',
      adapter: 'synth',
      read: 25,
      accepted: 25,
      bySource: { 'synth-heldout': 25 },
    });
  });

  it('exits 64 for an unknown name, for both FILE and --benchmark, and for neither', async () => {
    const unknown = await run('--benchmark', 'gsm9k');
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("argument 'gsm9k' is invalid");
    const both = await run('--benchmark', 'gsm8k', join(BENCHMARKS, 'gsm8k-test.jsonl'));
    expect(both.code).toBe(64);
    expect(both.stderr).toContain('give either FILE or --benchmark NAME, not both');
    const neither = await run();
    expect(neither.code).toBe(64);
    expect(neither.stderr).toContain('missing FILE (or --benchmark NAME)');
  });
});
