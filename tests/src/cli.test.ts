import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');

// The installed entry point, exactly as a user runs it (`npx rstar-fleet`), as a real process.
async function rstarFleet(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'rstar-fleet', ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('rstar-fleet CLI (installed bin, real process)', () => {
  it('prints help listing its commands', async () => {
    const { code, stdout } = await rstarFleet('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: rstar-fleet');
  });

  it('rejects an unknown command with a usage exit code', async () => {
    const { code, stderr } = await rstarFleet('no-such-command');
    expect(code).toBe(64);
    expect(stderr).toContain('(run with --help for usage)');
  });
});
