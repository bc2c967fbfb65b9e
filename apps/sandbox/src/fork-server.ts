import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { ExecutionStatus } from '@rstar-fleet/protocol/sandbox';
import {
  ExecutionCancelledError,
  ForkServerFaultError,
  ForkServerLostError,
  ForkServerStartError,
} from './errors';
import {
  type ExecMessage,
  type ForkServerBootConfig,
  type HelloMessage,
  type ResultMessage,
  forkServerMessage,
} from './fork-server-messages';
import { FrameDecoder, encodeFrame } from './frames';
import type { ExecutionSpec } from './request';

/** The only environment a fork-server (and so any program) ever sees: no service secrets. */
export const FORK_SERVER_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  // One thread per BLAS/OpenMP pool: threads in a fork-server do not survive fork().
  OPENBLAS_NUM_THREADS: '1',
  OMP_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
  NUMEXPR_NUM_THREADS: '1',
  // Per-thread malloc arenas reserve 64 MiB of address space each: keep RLIMIT_AS meaningful.
  MALLOC_ARENA_MAX: '2',
};

export interface ForkServerOptions {
  slot: number;
  python: string;
  script: string;
  boot: ForkServerBootConfig;
  startTimeoutMs: number;
  /** Time past an execution's own limit after which the supervisor kills the fork-server. */
  watchdogGraceMs: number;
  maxFrameBytes: number;
  log: Logger;
}

/** How an execution ended, as the pool reports it (OK .. OUTPUT_LIMIT). */
export interface ExecutionResult {
  status: Exclude<ExecutionStatus, 'STATUS_UNSPECIFIED'>;
  stdout: string;
  stderr: string;
  durationMs: number;
  truncated: boolean;
  exitCode: number;
}

export type KillReason = 'watchdog' | 'cancel-timeout' | 'protocol' | 'start-timeout' | 'close';

export interface ForkServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the supervisor killed it, and why. */
  killedFor?: KillReason;
  /** The fork-server said the last execution left processes it could not reap. */
  unreaped: boolean;
}

interface Pending {
  id: number;
  spec: ExecutionSpec;
  resolve: (r: ExecutionResult) => void;
  reject: (e: unknown) => void;
  watchdog: NodeJS.Timeout;
  cancelTimer?: NodeJS.Timeout;
  cancelledWith?: ExecutionCancelledError;
  startedAt: number;
}

/**
 * One supervised Python fork-server process: starts it, waits for its hello (layers, preloads),
 * runs one execution at a time over length-prefixed JSON frames, and enforces a wall-clock
 * watchdog from outside: a fork-server that fails to stop a program in time is killed, which
 * (being its PID namespace's init) takes every process of the execution with it.
 */
export class ForkServer {
  readonly slot: number;
  hello?: HelloMessage;
  private readonly options: ForkServerOptions;
  private child?: ChildProcess;
  private readonly decoder: FrameDecoder;
  private pending?: Pending;
  private nextId = 1;
  private killedFor?: KillReason;
  private unreaped = false;
  private exitInfo?: ForkServerExit;
  private readonly exitWaiters: Array<(info: ForkServerExit) => void> = [];
  private onHello?: (hello: HelloMessage) => void;
  private onFatal?: (error: Error) => void;
  private stderrLines = 0;

  constructor(options: ForkServerOptions) {
    this.options = options;
    this.slot = options.slot;
    this.decoder = new FrameDecoder(options.maxFrameBytes);
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  get alive(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves once the process has exited (immediately if it already has). */
  exited(): Promise<ForkServerExit> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Spawns the fork-server and resolves with its hello once it is warm and self-tested. */
  start(): Promise<HelloMessage> {
    const { python, script, boot, slot, startTimeoutMs } = this.options;
    return new Promise<HelloMessage>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        settle(() =>
          reject(new ForkServerStartError(slot, `no hello within ${startTimeoutMs} ms`)),
        );
        this.kill('start-timeout');
      }, startTimeoutMs);
      this.onHello = (hello) => settle(() => resolve(hello));
      this.onFatal = (err) => settle(() => reject(err));

      // -I: isolated mode (no PYTHON* variables, no user site, no script dir on sys.path);
      // -B: never write .pyc files. detached: its own process group and session, so a terminal's
      // Ctrl-C reaches only the supervisor, which then drains before stopping the pool.
      const child = spawn(python, ['-I', '-B', script, JSON.stringify(boot)], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...FORK_SERVER_ENV },
        detached: true,
      });
      this.child = child;
      child.on('error', (err) => {
        settle(() =>
          reject(
            new ForkServerStartError(slot, `cannot run ${python}: ${err.message}`, { cause: err }),
          ),
        );
        if (child.pid === undefined) this.onExit({ code: null, signal: null, unreaped: false });
      });
      child.stdin?.on('error', () => undefined); // EPIPE after a crash: the exit handler reports it
      child.stdout?.on('data', (chunk: Buffer) => this.onData(chunk));
      child.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk));
      child.on('exit', (code, signal) => {
        settle(() =>
          reject(
            new ForkServerStartError(
              slot,
              `exited during start-up (${signal ? `signal ${signal}` : `exit code ${code}`})`,
            ),
          ),
        );
        this.onExit({ code, signal, unreaped: this.unreaped });
      });
    });
  }

  /**
   * Runs one program. Resolves with its result (a failing program is a result); rejects only when
   * the caller cancels, with ForkServerFaultError on a sandbox fault, or with ForkServerLostError
   * when the fork-server dies under the program without the supervisor killing it.
   */
  execute(
    spec: ExecutionSpec,
    killOutputBytes: number,
    signal?: AbortSignal,
  ): Promise<ExecutionResult> {
    if (this.pending) throw new Error(`fork-server ${this.slot} is busy`);
    if (!this.alive || !this.child?.stdin) {
      return Promise.reject(new ForkServerFaultError(this.slot, 'not running'));
    }
    const stdin = this.child.stdin;
    const id = this.nextId++;
    const message: ExecMessage = {
      type: 'exec',
      id,
      code: spec.code,
      timeout_ms: spec.timeoutMs,
      memory_mb: spec.memoryMb,
      max_output_bytes: spec.maxOutputBytes,
      kill_output_bytes: killOutputBytes,
    };
    return new Promise<ExecutionResult>((resolve, reject) => {
      const onAbort = (): void => this.cancel(id, signal?.reason);
      const done =
        <T>(fn: (v: T) => void) =>
        (v: T): void => {
          signal?.removeEventListener('abort', onAbort);
          fn(v);
        };
      const pending: Pending = {
        id,
        spec,
        resolve: done(resolve),
        reject: done(reject),
        startedAt: Date.now(),
        watchdog: setTimeout(() => {
          this.options.log.warn(
            { slot: this.slot, timeoutMs: spec.timeoutMs },
            'fork-server did not stop a program in time; killing it',
          );
          this.kill('watchdog');
        }, spec.timeoutMs + this.options.watchdogGraceMs),
      };
      this.pending = pending;
      signal?.addEventListener('abort', onAbort, { once: true });
      stdin.write(encodeFrame(message));
      if (signal?.aborted) onAbort();
    });
  }

  /** SIGKILL to the fork-server; its PID namespace (every execution process) dies with it. */
  kill(reason: KillReason): void {
    if (!this.child || this.exitInfo) return;
    this.killedFor ??= reason;
    this.child.kill('SIGKILL');
  }

  /** Closes the request pipe (the fork-server exits when idle), then kills after `graceMs`. */
  async close(graceMs: number): Promise<void> {
    if (!this.child || this.exitInfo) return;
    this.child.stdin?.end();
    const timer = setTimeout(() => this.kill('close'), graceMs);
    await this.exited();
    clearTimeout(timer);
  }

  private cancel(id: number, reason: unknown): void {
    const pending = this.pending;
    if (!pending || pending.id !== id || pending.cancelledWith) return;
    pending.cancelledWith = new ExecutionCancelledError(
      reason === 'deadline' ? 'deadline' : 'cancelled',
    );
    this.child?.stdin?.write(encodeFrame({ type: 'cancel', id }));
    pending.cancelTimer = setTimeout(
      () => this.kill('cancel-timeout'),
      this.options.watchdogGraceMs,
    );
  }

  private onData(chunk: Buffer): void {
    let messages: unknown[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      this.protocolFault(err);
      return;
    }
    for (const raw of messages) {
      const parsed = forkServerMessage.safeParse(raw);
      if (!parsed.success) {
        this.protocolFault(parsed.error);
        return;
      }
      const msg = parsed.data;
      if (msg.type === 'hello') {
        this.hello = msg;
        this.onHello?.(msg);
      } else if (msg.type === 'fatal') {
        this.onFatal?.(new ForkServerStartError(this.slot, msg.error));
      } else if (msg.type === 'result') {
        this.onResult(msg);
      }
    }
  }

  private onResult(msg: ResultMessage): void {
    const pending = this.pending;
    if (!pending || pending.id !== msg.id) {
      this.protocolFault(new Error(`result for unknown execution ${msg.id}`));
      return;
    }
    this.pending = undefined;
    clearTimeout(pending.watchdog);
    clearTimeout(pending.cancelTimer);
    if (!msg.healthy) this.unreaped = true;
    if (msg.status === 'CANCELLED') {
      pending.reject(pending.cancelledWith ?? new ExecutionCancelledError('cancelled'));
    } else if (msg.status === 'INTERNAL') {
      pending.reject(new ForkServerFaultError(this.slot, msg.stderr.trim()));
    } else if (pending.cancelledWith) {
      pending.reject(pending.cancelledWith); // finished while the cancel was on its way
    } else {
      pending.resolve({
        status: msg.status,
        stdout: msg.stdout,
        stderr: msg.stderr,
        durationMs: msg.duration_ms,
        truncated: msg.truncated,
        exitCode: msg.exit_code,
      });
    }
  }

  private onExit(info: ForkServerExit): void {
    if (this.exitInfo) return;
    if (this.killedFor !== undefined) info.killedFor = this.killedFor;
    this.exitInfo = info;
    this.failPending(info);
    for (const waiter of this.exitWaiters.splice(0)) waiter(info);
  }

  /** The fork-server died with an execution in flight. */
  private failPending(info: ForkServerExit): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.watchdog);
    clearTimeout(pending.cancelTimer);
    if (pending.cancelledWith) {
      pending.reject(pending.cancelledWith);
      return;
    }
    const durationMs = Date.now() - pending.startedAt;
    if (info.killedFor === 'watchdog') {
      pending.resolve({
        status: 'TIMEOUT',
        stdout: '',
        stderr: `[sandbox] stopped by the supervisor: wall-clock limit of ${pending.spec.timeoutMs} ms reached\n`,
        durationMs,
        truncated: false,
        exitCode: -9,
      });
    } else if (info.killedFor === 'close') {
      pending.reject(new ForkServerFaultError(this.slot, 'stopped by shutdown'));
    } else if (this.hello?.layers.uid?.active === true) {
      // The program runs under another uid and cannot signal its fork-server (nor the launcher
      // outside its PID namespace); a program killing itself or its own children is reported by
      // the fork-server as its result. A death here is the sandbox's failure, never the
      // program's: an infrastructure failure must not become a "code error" in the data.
      pending.reject(new ForkServerLostError(this.slot, describeExit(info)));
    } else {
      // Without the uid layer the program can signal its fork-server, so it may have killed it:
      // the only code that ran since the last hello is the program's.
      pending.resolve({
        status: 'ERROR',
        stdout: '',
        stderr: `[sandbox] the fork-server running this program died (${describeExit(info)}); it was replaced (without the uid layer the program may have killed it)\n`,
        durationMs,
        truncated: false,
        exitCode: info.signal === null ? (info.code ?? -1) : -9,
      });
    }
  }

  private protocolFault(err: unknown): void {
    this.options.log.error({ slot: this.slot, err }, 'fork-server broke the protocol; killing it');
    this.onFatal?.(new ForkServerFaultError(this.slot, 'protocol error', { cause: err }));
    this.kill('protocol');
  }

  private onStderr(chunk: Buffer): void {
    if (this.stderrLines >= 200) return;
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '' || this.stderrLines++ >= 200) continue;
      this.options.log.warn({ slot: this.slot, line: line.slice(0, 2000) }, 'fork-server stderr');
    }
  }
}

export function describeExit(info: ForkServerExit): string {
  const how = info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
  return info.killedFor ? `${how}, killed by the supervisor: ${info.killedFor}` : how;
}
