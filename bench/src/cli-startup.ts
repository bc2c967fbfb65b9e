import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchResult } from './bench-result';
import { intFlag, type BenchFlags } from './bench-flags';
import { cliPath, repoRoot } from './fleet-procs';

/**
 * CLI startup: wall time of short `rstar-fleet` invocations (help, version, a plan check, the
 * deploy hook's subcommand) as a multiple of `node -e 0` measured in the same run. Every hook and
 * every operator command pays this start; what it costs is what the definitions of the commands
 * import before one of them runs.
 */
export const CLI_STARTUP_FLAGS: Record<string, string> = {
  runs: 'runs of each command, interleaved; the median is reported (default 10)',
  busy: 'CPU-bound processes kept running meanwhile, to measure the start under load (default 0)',
};

const COMMANDS: ReadonlyArray<{ name: string; args: string[] }> = [
  { name: 'help', args: ['--help'] },
  { name: 'version', args: ['--version'] },
  {
    name: 'plan-check',
    args: ['plan', 'check', '--no-check-files', join(repoRoot, 'examples', 'local-sim.yaml')],
  },
  { name: 'model-sim-load-help', args: ['model-sim', 'load', '--help'] },
];

/** Runs `node ARGS` to its end; returns the wall seconds and what it wrote on stderr. */
function runOnce(args: readonly string[]): { seconds: number; stderr: string } {
  const start = performance.now();
  const out = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (out.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${out.status ?? out.signal}: ${out.stderr}`);
  }
  return { seconds, stderr: out.stderr };
}

const timeOnce = (args: readonly string[]): number => runOnce(args).seconds;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** CommonJS modules loaded by one run (a noise-free companion of the wall time). */
function modulesLoaded(args: readonly string[], dir: string): number {
  const counter = join(dir, 'count-modules.js');
  writeFileSync(
    counter,
    'process.on("exit", () => process.stderr.write(`\\nmodules ${Object.keys(require.cache).length}\\n`));\n',
  );
  const last =
    runOnce(['--require', counter, ...args])
      .stderr.trimEnd()
      .split('\n')
      .at(-1) ?? '';
  const count = /^modules (\d+)$/.exec(last)?.[1];
  if (count === undefined) throw new Error(`no module count from node ${args.join(' ')}: ${last}`);
  return Number(count);
}

export function benchCliStartup(flags: BenchFlags): Promise<BenchResult> {
  const runs = intFlag(flags, 'runs', 10, 1, 1000);
  const busy = intFlag(flags, 'busy', 0, 0, 256);
  const burners = Array.from({ length: busy }, () =>
    spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }),
  );
  try {
    return Promise.resolve(measure(runs, busy));
  } finally {
    for (const burner of burners) burner.kill('SIGKILL');
  }
}

function measure(runs: number, busy: number): BenchResult {
  const baselineArgs = ['-e', '0'];
  const baseline: number[] = [];
  const times = new Map<string, number[]>(COMMANDS.map((c) => [c.name, []]));
  // Warm the file cache once, then interleave so that a burst of load hits every command alike.
  for (const c of COMMANDS) timeOnce([cliPath, ...c.args]);
  for (let i = 0; i < runs; i++) {
    baseline.push(timeOnce(baselineArgs));
    for (const c of COMMANDS) times.get(c.name)?.push(timeOnce([cliPath, ...c.args]));
  }
  const base = median(baseline);
  const metrics: Record<string, number> = { 'node -e 0 (s)': base };
  const dir = mkdtempSync(join(tmpdir(), 'rstar-cli-startup-'));
  try {
    for (const c of COMMANDS) {
      const seconds = median(times.get(c.name) ?? []);
      metrics[`${c.name} (s)`] = seconds;
      metrics[`${c.name} / node -e 0`] = seconds / base;
      metrics[`${c.name} modules`] = modulesLoaded([cliPath, ...c.args], dir);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name: 'cli-startup',
    description:
      'median wall time of short rstar-fleet invocations, and as a multiple of `node -e 0` ' +
      'measured in the same run; modules = CommonJS modules loaded',
    metrics,
    notes: [
      `${runs} interleaved runs per command, ${busy} CPU-bound process(es) running meanwhile`,
      `commands: ${COMMANDS.map((c) => `${c.name} = rstar-fleet ${c.args.join(' ').replace(repoRoot + '/', '')}`).join('; ')}`,
    ],
  };
}
