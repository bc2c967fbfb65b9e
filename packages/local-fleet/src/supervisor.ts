import { CrashBackoff } from './backoff';
import { ChildReadyTimeoutError } from './child-ready-timeout-error';
import { spawnChild, type ChildRun } from './child-run';
import { ChildStartError } from './child-start-error';
import { CrashLoopError } from './crash-loop-error';
import { describeExit, type ChildEvent, type ChildExit } from './events';
import {
  compileSupervisorOptions,
  type CompiledSupervisorOptions,
  type RestartPolicy,
  type SupervisorOptions,
} from './options';
import type { Readiness } from './readiness';

/** One child process to supervise: how to start it and how to tell that it serves. */
export interface ChildSpec<T> {
  /** For reports and logs (`sandbox`, `worker-1`, ...). */
  name: string;
  /** The executable. Default: this Node (`process.execPath`). */
  command?: string;
  /**
   * Its arguments. A function is called at every (re)start: a restarted simulator loads the
   * checkpoint the run is at now, not the one it was first started with.
   */
  args: readonly string[] | (() => readonly string[]);
  cwd?: string;
  /** The child's whole environment (nothing is inherited beyond it). */
  env: Record<string, string | undefined>;
  /** Checked on every (re)start, within `readyTimeoutMs`. */
  ready: Readiness<T>;
  /** This child's own restart policy. Default: the fleet's. */
  restart?: RestartPolicy;
  /** This child's own start deadline. Default: the fleet's. */
  readyTimeoutMs?: number;
  /** This child's own stop grace. Default: the fleet's. */
  stopGraceMs?: number;
  /**
   * SIGKILL whatever the child left in its process group once it exits (crash or stop). Default
   * true; false for a test that checks the child cleans up after itself.
   */
  reapGroup?: boolean;
}

/** A child under supervision: one process at a time, started again after a crash (policy). */
export interface SupervisedChild<T> {
  readonly name: string;
  /** The current process (the last one while it is down between restarts). */
  readonly pid: number;
  /** What the readiness check of the current process returned (ports, URL). */
  readonly info: T;
  /** Its last output lines (stdout and stderr), across restarts. */
  readonly logs: readonly string[];
  /** Restarts after crashes so far. */
  readonly restarts: number;
  /**
   * The exit after which the supervisor does not start it again: a stop, a give-up, or any
   * exit under restart policy `never`. Never rejects.
   */
  readonly exited: Promise<ChildExit>;
  /** Whether a process of it is running now. */
  running(): boolean;
  /** Sends `signal` to the current process only (as `kill -SIG <pid>`). */
  signal(signal: NodeJS.Signals): void;
  /**
   * Sends `signal` to the current process group (SIGKILL: a crash, as `kill -9`); resolves when
   * that process has exited. Under policy `always` the supervisor then restarts it.
   */
  kill(signal?: NodeJS.Signals): Promise<ChildExit>;
  /**
   * Restarts it on purpose, whatever its policy: `signal` to its group (SIGTERM: a clean stop,
   * SIGKILL: a crash), `downMs` of nothing, then the same start (counted as no crash); resolves
   * once it is ready again.
   */
  restart(signal?: NodeJS.Signals, downMs?: number): Promise<void>;
  /**
   * Stops it for good, bounded: SIGTERM to the process, SIGKILL to its group after `graceMs`
   * (default: its stop grace), and whatever it left in its group goes too. Resolves on exit.
   */
  stop(graceMs?: number): Promise<ChildExit>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The last `size` items pushed. */
function pushBounded(items: string[], item: string, size: number): void {
  items.push(item);
  if (items.length > size) items.splice(0, items.length - size);
}

class Supervision<T> implements SupervisedChild<T> {
  readonly name: string;
  readonly logs: string[] = [];
  restarts = 0;
  private run!: ChildRun;
  private current: T | undefined;
  private readonly ended = deferred<ChildExit>();
  private readonly backoff: CrashBackoff;
  private readonly command: string;
  private stopping = false;
  private manual: { downMs: number; done: Deferred<void> } | null = null;
  private wake: () => void = () => undefined;
  /** This process's last lines, for its crash report. */
  private tail = { stderr: [] as string[], output: [] as string[] };
  private onReadyLine: ((line: string) => void) | null = null;

  constructor(
    private readonly spec: ChildSpec<T>,
    private readonly options: CompiledSupervisorOptions,
    private readonly onGiveUp: (err: CrashLoopError) => void,
  ) {
    this.name = spec.name;
    this.command = spec.command ?? process.execPath;
    this.backoff = new CrashBackoff(options);
  }

  get pid(): number {
    return this.run.pid ?? -1;
  }

  get info(): T {
    if (this.current === undefined) throw new Error(`${this.name} has not been ready yet`);
    return this.current;
  }

  get exited(): Promise<ChildExit> {
    return this.ended.promise;
  }

  running(): boolean {
    return this.run.exit() === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.run.signal(signal);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ChildExit> {
    const run = this.run;
    run.signalGroup(signal);
    return run.exited;
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM', downMs = 0): Promise<void> {
    if (this.stopping || this.manual !== null || !this.running()) {
      throw new ChildStartError(this.name, 'cannot be restarted now (not running)', []);
    }
    const done = deferred<void>();
    this.manual = { downMs, done };
    this.run.signalGroup(signal);
    return done.promise;
  }

  stop(graceMs = this.options.stopGraceMs): Promise<ChildExit> {
    if (!this.stopping) {
      this.stopping = true;
      this.wake();
      const run = this.run;
      if (run.exit() === null) {
        run.signal('SIGTERM');
        const force = setTimeout(() => run.signalGroup('SIGKILL'), graceMs);
        void run.exited.then(() => clearTimeout(force));
      }
    }
    return this.ended.promise;
  }

  /** The first start: fails (no restart) when the child cannot get ready. */
  async start(): Promise<void> {
    await this.launch();
    this.emit({ kind: 'started', child: this.name, pid: this.pid, at: new Date() });
    void this.supervise();
  }

  private emit(event: ChildEvent): void {
    try {
      this.options.onEvent(event);
    } catch {
      // A listener's bug must not stop the supervision.
    }
  }

  private lastLines(): string[] {
    const { stderr, output } = this.tail;
    return [...(stderr.length > 0 ? stderr : output)];
  }

  /** Spawns a process and waits for its readiness; on failure it is killed and reaped. */
  private async launch(): Promise<void> {
    const args = typeof this.spec.args === 'function' ? this.spec.args() : this.spec.args;
    const tail = { stderr: [] as string[], output: [] as string[] };
    this.tail = tail;
    const { keepLines, reportLines } = this.options;
    this.run = spawnChild({
      command: this.command,
      args,
      cwd: this.spec.cwd,
      env: this.spec.env,
      reapGroup: this.spec.reapGroup ?? true,
      onLine: (line, stream) => {
        pushBounded(this.logs, line, keepLines);
        pushBounded(tail.output, line, reportLines);
        if (stream === 'stderr') pushBounded(tail.stderr, line, reportLines);
        this.options.onLine(this.name, line);
        this.onReadyLine?.(line);
      },
    });
    const run = this.run;
    try {
      this.current = await this.ready(run);
    } catch (err) {
      run.signalGroup('SIGKILL');
      await run.exited;
      throw err;
    } finally {
      this.onReadyLine = null;
    }
  }

  /**
   * Resolves with the readiness value of `run`; rejects once it exits first, or when the start
   * deadline passes.
   */
  private async ready(run: ChildRun): Promise<T> {
    const readiness = this.spec.ready;
    const timeoutMs = this.options.readyTimeoutMs;
    const over = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ChildReadyTimeoutError(this.name, timeoutMs, readiness.what, this.lastLines()),
          ),
        timeoutMs,
      );
    });
    const exited = run.exited.then((exit): never => {
      const error = run.spawnError();
      if (error !== null) {
        throw new ChildStartError(this.name, `cannot spawn ${this.command}: ${error.message}`, [], {
          cause: error,
        });
      }
      const how = `exited before it was ready (${describeExit(exit)})`;
      throw new ChildStartError(this.name, how, this.lastLines());
    });
    const served =
      readiness.kind === 'line'
        ? new Promise<T>((resolve) => {
            this.onReadyLine = (line) => {
              const value = readiness.match(line);
              if (value !== undefined) resolve(value);
            };
          })
        : this.probe(readiness, Date.now() + timeoutMs, over.signal);
    try {
      // The losers' later rejections are handled by the race.
      return await Promise.race([served, exited, deadline]);
    } finally {
      clearTimeout(timer);
      over.abort();
    }
  }

  /** Polls a probe until it answers with a value (or `signal` ends the wait). */
  private async probe(
    readiness: Extract<Readiness<T>, { kind: 'probe' }>,
    deadline: number,
    signal: AbortSignal,
  ): Promise<T> {
    while (!signal.aborted) {
      const value = await readiness.probe(Math.max(1, Math.min(1_000, deadline - Date.now())));
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, readiness.intervalMs));
    }
    throw new ChildStartError(this.name, 'stopped waiting for it to get ready', []);
  }

  /** Sleeps `ms`, or less when stop() wakes it. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private finish(exit: ChildExit): void {
    this.ended.resolve(exit);
  }

  /** Waits for each process's exit and decides: stopped, manual restart, down for good, crash. */
  private async supervise(): Promise<void> {
    for (;;) {
      const run = this.run;
      const exit = await run.exited;
      const at = new Date();
      if (this.stopping) {
        this.emit({ kind: 'stopped', child: this.name, pid: this.pid, exit, at });
        return this.finish(exit);
      }
      const manual = this.manual;
      if (manual !== null) {
        this.manual = null;
        await this.pause(manual.downMs);
        try {
          if (this.stopping) throw new ChildStartError(this.name, 'stopped while restarting', []);
          await this.launch();
          manual.done.resolve();
          continue;
        } catch (err) {
          manual.done.reject(err);
          return this.finish(this.run.exit() ?? exit);
        }
      }
      if (this.options.restart === 'never') {
        const lastLines = this.lastLines();
        this.emit({ kind: 'exited', child: this.name, pid: this.pid, exit, at, lastLines });
        return this.finish(exit);
      }
      if (!(await this.restartAfterCrash(run, exit, at))) return;
    }
  }

  /**
   * Restarts after a crash with backoff, as many times as it takes to get ready again; false
   * once stopped or given up (supervision over).
   */
  private async restartAfterCrash(run: ChildRun, exit: ChildExit, at: Date): Promise<boolean> {
    const crashedAt = at.getTime();
    let crash = {
      pid: run.pid,
      exit: exit as ChildExit | null,
      upMs: crashedAt - run.spawnedAt,
      startError: null as string | null,
      at,
    };
    for (;;) {
      const lastLines = this.lastLines();
      const decision = this.backoff.crashed(crash.at.getTime(), crash.upMs);
      if (decision.action === 'give-up') {
        const error = new CrashLoopError(
          this.name,
          decision.crashesInWindow,
          this.options.giveUpWindowMs,
          lastLines,
        );
        this.emit({ kind: 'gave-up', child: this.name, ...crash, lastLines, error });
        this.finish(crash.exit ?? exit);
        this.onGiveUp(error);
        return false;
      }
      this.emit({
        kind: 'crashed',
        child: this.name,
        ...crash,
        lastLines,
        restartInMs: decision.delayMs,
        crashesInWindow: decision.crashesInWindow,
        giveUpCrashes: this.options.giveUpCrashes,
      });
      await this.pause(decision.delayMs);
      if (this.stopping) {
        this.finish(crash.exit ?? exit);
        return false;
      }
      try {
        await this.launch();
      } catch (err) {
        if (this.stopping) {
          this.finish(this.run.exit() ?? exit);
          return false;
        }
        crash = {
          pid: this.run.pid,
          exit: this.run.exit(),
          upMs: 0,
          startError: (err as Error).message.split('\n')[0] ?? String(err),
          at: new Date(),
        };
        continue;
      }
      this.restarts++;
      const now = new Date();
      this.emit({
        kind: 'restarted',
        child: this.name,
        pid: this.pid,
        at: now,
        downMs: now.getTime() - crashedAt,
        restarts: this.restarts,
      });
      return true;
    }
  }
}

/**
 * The one supervisor of local child processes (DESIGN §8: what Kubernetes does on a cluster,
 * this does on one machine), used by the demo, the cross-process tests and the benchmarks.
 * Options are compiled once here; each child may override its restart policy, start deadline
 * and stop grace.
 */
export class LocalFleet {
  readonly options: CompiledSupervisorOptions;
  /**
   * Rejects with the CrashLoopError of the first child given up on; never resolves. A host
   * races its work against it, so a child that cannot stay up ends the run with the reason.
   */
  readonly crashLoop: Promise<never>;
  private rejectCrashLoop!: (err: CrashLoopError) => void;
  private readonly live = new Set<SupervisedChild<unknown>>();

  constructor(options: SupervisorOptions = {}) {
    this.options = compileSupervisorOptions(options);
    this.crashLoop = new Promise<never>((_, reject) => {
      this.rejectCrashLoop = reject;
    });
    this.crashLoop.catch(() => undefined);
  }

  /**
   * Starts a child and resolves once it is ready. A child that cannot get ready the first time
   * fails here (ChildStartError, ChildReadyTimeoutError) and is not restarted: a broken setup
   * stops at once; only a child that served once is brought back after a crash.
   */
  async start<T>(spec: ChildSpec<T>): Promise<SupervisedChild<T>> {
    const options = compileSupervisorOptions({
      ...this.options,
      ...(spec.restart === undefined ? {} : { restart: spec.restart }),
      ...(spec.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: spec.readyTimeoutMs }),
      ...(spec.stopGraceMs === undefined ? {} : { stopGraceMs: spec.stopGraceMs }),
    });
    const child = new Supervision(spec, options, (err) => this.rejectCrashLoop(err));
    await child.start();
    this.live.add(child);
    void child.exited.then(() => this.live.delete(child));
    return child;
  }

  /** The children still supervised (not stopped, not given up on). */
  children(): SupervisedChild<unknown>[] {
    return [...this.live];
  }

  /** Stops every child still supervised, all at once, each bounded by its stop grace. */
  async stop(): Promise<void> {
    await Promise.all([...this.live].map((c) => c.stop()));
  }
}
