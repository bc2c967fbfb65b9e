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

/** What defining the commands must not load: the clients and services the actions run with. */
const HEAVY_DEPENDENCY =
  /node_modules\/(bullmq|ioredis|@grpc|hyparquet|@kubernetes|@aws-sdk|express|@bull-board|prom-client)\//;
const HEAVY_WORKSPACE_MODULE =
  /^(packages\/(orchestration|config|corpus|store|queue|inference|rollout|mcts)\/dist\/index|apps\/(sandbox\/dist\/service|rollout-worker\/dist\/service|model-sim\/dist\/server|orchestrator\/dist\/fleet\/[^/]+))\.js$/;

describe('rstar-fleet CLI (installed bin, real process)', () => {
  it('prints help listing its commands', async () => {
    const { code, stdout } = await rstarFleet('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: rstar-fleet');
  });

  it('defines every command without loading what the commands run with', async () => {
    // Every hook and operator command pays the CLI's start: defining the commands (flags, help)
    // must not load a service, a queue or a Redis, gRPC, Parquet, Kubernetes or S3 client.
    const main = join(repoRoot, 'apps', 'cli', 'dist', 'main.js');
    const { stdout } = await run(process.execPath, [
      '-e',
      `require(${JSON.stringify(main)}).buildProgram();` +
        'process.stdout.write(JSON.stringify(Object.keys(require.cache)))',
    ]);
    const loaded = (JSON.parse(stdout) as string[]).map((f) => f.slice(repoRoot.length + 1));
    expect(loaded).toContain('apps/cli/dist/commands/index.js');
    const heavy = loaded.filter((f) => HEAVY_DEPENDENCY.test(f) || HEAVY_WORKSPACE_MODULE.test(f));
    expect(heavy).toEqual([]);
  });

  it('rejects an unknown command with a usage exit code', async () => {
    const { code, stderr } = await rstarFleet('no-such-command');
    expect(code).toBe(64);
    expect(stderr).toContain('(run with --help for usage)');
  });
});
