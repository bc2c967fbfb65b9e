import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalFleet, jsonLine, readyOnLine, type ChildExit } from '@rstar-fleet/local-fleet';

/**
 * Starts fleet services as separate processes through the installed CLI, exactly as an operator
 * does, under the supervisor (@rstar-fleet/local-fleet) and waits for each one's ready line;
 * reads their CPU time from /proc. Benchmarks only: the tests have their own harness
 * (tests/src/fleet/harness.ts).
 */
export const repoRoot = join(__dirname, '..', '..');
export const cliPath = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Fields of the ready line (ports). */
  readonly ready: Record<string, unknown>;
  /** Its last lines (for error messages). */
  readonly logs: readonly string[];
  /** CPU seconds (user + system) of the process and all its descendants. */
  cpuSeconds(): number;
  /** Its exit (a command that finishes, e.g. `rstar-fleet eval`; a service when stopped). */
  readonly exited: Promise<ChildExit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Recognises the ready line: returns its fields, or null for any other line. */
export type ReadyMatcher = (line: string) => Record<string, unknown> | null;

/** A pino JSON line with `msg === message`. */
export function pinoReady(message: string): ReadyMatcher {
  return (line) => {
    const entry = jsonLine(line);
    return entry?.msg === message ? entry : null;
  };
}

export interface StartServiceOptions {
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

/**
 * A benchmark measures a steady fleet: a service that crashes stays down (and the measurement
 * fails) instead of being restarted mid-measurement. The last 400 lines are kept per service: a
 * long benchmark must not hold every log line in memory.
 */
const fleet = new LocalFleet({ restart: 'never', keepLines: 400, stopGraceMs: 15_000 });

export async function startService(
  name: string,
  args: readonly string[],
  isReady: ReadyMatcher,
  options: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const child = await fleet.start({
    name,
    args: [cliPath, ...args],
    cwd: repoRoot,
    // A fixed, small environment (as an operator's unit file would give): nothing of the
    // benchmark's own environment leaks into the services.
    env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, ...options.env },
    ready: readyOnLine(`the ready line of ${name}`, (line) => isReady(line) ?? undefined),
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return {
    name,
    pid: child.pid,
    ready: child.info,
    logs: child.logs,
    cpuSeconds: () => treeCpuSeconds(child.pid),
    exited: child.exited,
    async stop(graceMs) {
      await child.stop(graceMs);
    },
  };
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks (reaped children count in c*). */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: fields after it follow the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (n: number): number => Number(rest[n - 3]);
    return { ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
  } catch {
    return null;
  }
}

/** CPU seconds of `pid` and its live descendants (Linux /proc; 0 elsewhere). */
export function treeCpuSeconds(pid: number): number {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return 0;
  }
  const stats = new Map<number, ProcStat>();
  for (const p of pids) {
    const s = readStat(p);
    if (s !== null) stats.set(p, s);
  }
  const children = new Map<number, number[]>();
  for (const [p, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  let ticks = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    ticks += stats.get(p)?.ticks ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return ticks / ticksPerSecond();
}

/** Sum of the samples of a Prometheus metric (all label sets) in exposition text. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

export async function fetchText(url: string, timeoutMs = 10_000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.text();
}
