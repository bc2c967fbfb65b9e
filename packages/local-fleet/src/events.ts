import type { CrashLoopError } from './crash-loop-error';

/** How a child process ended: its exit code, or the signal that ended it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * What the supervisor tells its host (SupervisorOptions.onEvent), one event per change: a child
 * got ready the first time, died (what, why, when, what happens next), came back, was given up
 * on, or was stopped on request.
 */
export type ChildEvent =
  | {
      readonly kind: 'started';
      readonly child: string;
      readonly pid: number;
      readonly at: Date;
    }
  | {
      readonly kind: 'crashed';
      readonly child: string;
      /** The process that died; null when a restart could not even spawn one. */
      readonly pid: number | null;
      /** Null when a restart failed before the process exited (not ready in time: killed). */
      readonly exit: ChildExit | null;
      readonly at: Date;
      /** How long it had been running (since it was spawned). */
      readonly upMs: number;
      /** Why, as far as the child said: its last stderr lines (else its last output lines). */
      readonly lastLines: readonly string[];
      /** A restart that did not get ready: what went wrong. Null for a running child's death. */
      readonly startError: string | null;
      /** When it is started again. */
      readonly restartInMs: number;
      /** Crashes within the give-up window, this one included, and how many make it give up. */
      readonly crashesInWindow: number;
      readonly giveUpCrashes: number;
    }
  | {
      readonly kind: 'restarted';
      readonly child: string;
      readonly pid: number;
      readonly at: Date;
      /** Since the crash it replaces. */
      readonly downMs: number;
      /** Restarts of this child so far (this one included). */
      readonly restarts: number;
    }
  | {
      readonly kind: 'gave-up';
      readonly child: string;
      readonly pid: number | null;
      readonly exit: ChildExit | null;
      readonly at: Date;
      readonly lastLines: readonly string[];
      readonly error: CrashLoopError;
    }
  | {
      /** A child under restart policy `never` exited on its own; it stays down. */
      readonly kind: 'exited';
      readonly child: string;
      readonly pid: number;
      readonly exit: ChildExit;
      readonly at: Date;
      readonly lastLines: readonly string[];
    }
  | {
      readonly kind: 'stopped';
      readonly child: string;
      readonly pid: number;
      readonly exit: ChildExit;
      readonly at: Date;
    };

/** `code 1` or `signal SIGKILL`. */
export function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

const clock = (at: Date): string => at.toISOString().slice(11, 23);
const duration = (ms: number): string =>
  ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

/**
 * One event in words, for a console and a log: `worker-1 (pid 4242) died at 10:04:05.120
 * (signal SIGKILL) after 12.3 s up; restarting in 500 ms (crash 1, gives up at 5 within the
 * window)`, then its last lines indented.
 */
export function describeChildEvent(event: ChildEvent): string {
  const who = (pid: number | null): string =>
    pid === null ? event.child : `${event.child} (pid ${pid})`;
  const tail = (lines: readonly string[]): string =>
    lines.length === 0 ? '' : `\n${lines.map((l) => `    | ${l}`).join('\n')}`;
  switch (event.kind) {
    case 'started':
      return `${who(event.pid)} ready at ${clock(event.at)}`;
    case 'crashed': {
      const how =
        event.startError !== null
          ? `failed to start again: ${event.startError}`
          : `died at ${clock(event.at)} (${event.exit === null ? 'no exit status' : describeExit(event.exit)}) after ${duration(event.upMs)} up`;
      return (
        `${who(event.pid)} ${how}; restarting in ${duration(event.restartInMs)} ` +
        `(crash ${event.crashesInWindow}, gives up at ${event.giveUpCrashes} within the window)` +
        tail(event.lastLines)
      );
    }
    case 'restarted':
      return (
        `${who(event.pid)} back at ${clock(event.at)}, ${duration(event.downMs)} after it died ` +
        `(restart ${event.restarts})`
      );
    case 'gave-up':
      return `${who(event.pid)}: ${event.error.message}${tail(event.lastLines)}`;
    case 'exited':
      return (
        `${who(event.pid)} exited at ${clock(event.at)} (${describeExit(event.exit)}); ` +
        `not restarted (restart policy never)${tail(event.lastLines)}`
      );
    case 'stopped':
      return `${who(event.pid)} stopped at ${clock(event.at)} (${describeExit(event.exit)})`;
  }
}
