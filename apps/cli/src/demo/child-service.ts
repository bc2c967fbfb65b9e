import { type ChildProcess, spawn } from 'node:child_process';
import { RstarError } from '@rstar-fleet/protocol';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How to start one service process and tell when it serves. */
export interface ChildServiceOptions<T> {
  /** For messages (`sandbox`, `worker-1`, ...). */
  name: string;
  /** Executable; default this Node. */
  command?: string;
  args: readonly string[];
  cwd?: string;
  /** The child's whole environment (nothing is inherited beyond it). */
  env?: Record<string, string | undefined>;
  /** Reads a stdout/stderr line; returns what the caller needs once the line says "serving". */
  ready: (line: string) => T | undefined;
  /** Give up (and kill the child) after this long. Default 60 000 ms. */
  readyTimeoutMs?: number;
  /** Lines kept for error messages. Default 400. */
  keepLines?: number;
  /** Every line, as it comes. */
  onLine?: (line: string) => void;
}

/** A running service process, in its own process group so teardown reaches its children. */
export interface ChildService<T> {
  readonly name: string;
  readonly pid: number;
  /** What `ready` returned. */
  readonly info: T;
  /** The last lines it wrote (stdout and stderr). */
  readonly logs: readonly string[];
  readonly exited: Promise<ChildExit>;
  running(): boolean;
  /** Signals the process group (SIGKILL = a crash, as `kill -9`). Resolves on exit. */
  kill(signal?: NodeJS.Signals): Promise<ChildExit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<ChildExit>;
}

/** Process groups of the services started here and still running. */
const liveGroups = new Set<number>();

/**
 * SIGKILLs every service process group still running (synchronous, for `process.on('exit')`):
 * the services are detached, so nothing else would stop them if this process died first.
 */
export function killAllChildServices(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  liveGroups.clear();
}

/** Reads a pino JSON line; undefined for anything else. */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a service process and resolves once it logs its ready line. A child that exits or
 * stays silent past the deadline is killed and reported with its last log lines.
 */
export async function startChildService<T>(
  options: ChildServiceOptions<T>,
): Promise<ChildService<T>> {
  const keep = options.keepLines ?? 400;
  const logs: string[] = [];
  const child: ChildProcess = spawn(options.command ?? process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? {},
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only the parent (which stops the
    // services in order), and a group kill reaches the service's own children.
    detached: true,
  });
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid;
  if (pid !== undefined) {
    liveGroups.add(pid);
    void exited.then(() => liveGroups.delete(pid));
  }
  let exit: ChildExit | null = null;
  void exited.then((how) => (exit = how));
  let onReadyLine: ((line: string) => void) | null = null;
  const onLine = (line: string): void => {
    logs.push(line);
    if (logs.length > keep) logs.splice(0, logs.length - keep);
    options.onLine?.(line);
    onReadyLine?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (exit !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ChildExit> => {
    signalGroup(signal);
    return exited;
  };
  const stop = async (graceMs = 10_000): Promise<ChildExit> => {
    if (exit !== null) return exit;
    signalGroup('SIGTERM');
    const force = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    const how = await exited;
    clearTimeout(force);
    // Whatever the service left in its group (a hook, a fork-server) goes with it.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already empty
      }
    }
    return how;
  };

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const info = await new Promise<T>((resolve, reject) => {
      const spawnFailed = (err: Error): void =>
        reject(new RstarError('UNAVAILABLE', `cannot start ${options.name}: ${err.message}`));
      child.once('error', spawnFailed);
      onReadyLine = (line) => {
        const found = options.ready(line);
        if (found !== undefined) resolve(found);
      };
      for (const line of logs) onReadyLine(line);
      void exited.then((how) =>
        reject(
          new RstarError(
            'UNAVAILABLE',
            `${options.name} exited before serving (${how.signal ?? `code ${how.code}`}):\n` +
              logs.slice(-20).join('\n'),
          ),
        ),
      );
      timer = setTimeout(
        () =>
          reject(
            new RstarError(
              'DEADLINE_EXCEEDED',
              `${options.name} not serving after ${timeoutMs} ms:\n${logs.slice(-20).join('\n')}`,
            ),
          ),
        timeoutMs,
      );
    });
    return {
      name: options.name,
      pid: child.pid ?? -1,
      info,
      logs,
      exited,
      running: () => exit === null,
      kill,
      stop,
    };
  } catch (err) {
    await kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
    onReadyLine = null;
  }
}
