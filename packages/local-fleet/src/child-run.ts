import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ChildExit } from './events';
import { killGroup, trackGroup, untrackGroup } from './live-groups';

/** What starts one process of a child. */
export interface SpawnSpec {
  command: string;
  args: readonly string[];
  cwd: string | undefined;
  /** The whole environment (nothing is inherited beyond it). */
  env: Record<string, string | undefined>;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** SIGKILL what the process left in its group once it exits. */
  reapGroup: boolean;
}

/** One process of a supervised child, from spawn to exit (a restart is another ChildRun). */
export interface ChildRun {
  /** Null when spawning failed (no such executable). */
  readonly pid: number | null;
  readonly spawnedAt: number;
  /** Resolves once the process has exited and its group is gone; never rejects. */
  readonly exited: Promise<ChildExit>;
  /** Set when spawning failed; `exited` has resolved then too. */
  spawnError(): Error | null;
  exit(): ChildExit | null;
  /** Sends `signal` to the process itself (as `kill -SIG <pid>`). */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` to its whole process group (the process and what it started). */
  signalGroup(signal: NodeJS.Signals): void;
}

function splitLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}

/**
 * Spawns a process in a process group of its own: a terminal's Ctrl-C reaches only the host
 * (which stops its children in order), and a group kill reaches what the child started (a
 * fork-server, a hook). Once the process exits, whatever it left in its group is SIGKILLed
 * (`reapGroup`), as a container's processes all go with it.
 */
export function spawnChild(spec: SpawnSpec): ChildRun {
  const spawnedAt = Date.now();
  let exit: ChildExit | null = null;
  let error: Error | null = null;
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid ?? null;
  if (pid !== null) trackGroup(pid);
  const exited = new Promise<ChildExit>((resolve) => {
    const done = (how: ChildExit): void => {
      if (exit !== null) return;
      exit = how;
      if (pid !== null) {
        if (spec.reapGroup) killGroup(pid);
        untrackGroup(pid);
      }
      resolve(how);
    };
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', (err) => {
      // Spawning failed (there is no process): no `exit` follows.
      if (pid === null) {
        error = err;
        done({ code: null, signal: null });
      }
    });
  });
  splitLines(child.stdout, (line) => spec.onLine(line, 'stdout'));
  splitLines(child.stderr, (line) => spec.onLine(line, 'stderr'));
  return {
    pid,
    spawnedAt,
    exited,
    spawnError: () => error,
    exit: () => exit,
    signal: (signal) => {
      if (exit === null && pid !== null) {
        try {
          process.kill(pid, signal);
        } catch {
          // exited meanwhile
        }
      }
    },
    signalGroup: (signal) => {
      if (exit === null && pid !== null && !killGroup(pid, signal)) child.kill(signal);
    },
  };
}
