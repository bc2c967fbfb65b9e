import type { Logger } from 'pino';
import { ExecutionCancelledError, QueueFullError, ShuttingDownError } from './errors';
import { type ExecutionResult, ForkServer, type ForkServerExit, describeExit } from './fork-server';
import type { ForkServerBootConfig, HelloMessage } from './fork-server-messages';
import type { ExecutionSpec } from './request';

export interface PoolOptions {
  workers: number;
  queueLimit: number;
  outputKillBytes: number;
  python: string;
  script: string;
  startTimeoutMs: number;
  watchdogGraceMs: number;
  maxFrameBytes: number;
  /** Boot configuration of the fork-server in slot `i`. */
  bootConfig: (slot: number) => ForkServerBootConfig;
  log: Logger;
  hooks?: PoolHooks;
}

/** Observers, for metrics. */
export interface PoolHooks {
  onExecuted?(result: ExecutionResult, queueWaitMs: number): void;
  onRestart?(reason: RestartReason): void;
  onCapacityChange?(ready: number): void;
}

export const RESTART_REASONS = [
  'crashed',
  'watchdog',
  'unreaped',
  'protocol',
  'cancel-timeout',
] as const;
export type RestartReason = (typeof RESTART_REASONS)[number];

export interface RunOptions {
  signal?: AbortSignal;
  /** Epoch ms after which nobody waits for the result any more. */
  deadline?: number;
}

export interface PoolStats {
  size: number;
  ready: number;
  busy: number;
  queued: number;
  /** Executions that may wait beyond the idle fork-servers before calls are refused. */
  queueLimit: number;
}

interface Job {
  spec: ExecutionSpec;
  options: RunOptions;
  enqueuedAt: number;
  resolve: (r: ExecutionResult) => void;
  reject: (e: unknown) => void;
  settled: boolean;
}

interface Slot {
  index: number;
  server?: ForkServer;
  ready: boolean;
  job?: Job;
  failures: number;
  restartTimer?: NodeJS.Timeout;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * A supervised pool of fork-servers and the bounded FIFO queue in front of it. A fork-server that
 * dies (crash, watchdog kill, unreaped processes) is replaced with exponential backoff; the other
 * slots keep serving meanwhile.
 */
export class Pool {
  private readonly options: PoolOptions;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(options: PoolOptions) {
    this.options = options;
    this.slots = Array.from({ length: options.workers }, (_, index) => ({
      index,
      ready: false,
      failures: 0,
    }));
  }

  /** Starts every fork-server; resolves with their hellos, or fails (and stops) if any fails. */
  async start(): Promise<HelloMessage[]> {
    const results = await Promise.allSettled(this.slots.map((slot) => this.startSlot(slot)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.close(0);
      throw failed.reason;
    }
    return results.map((r) => (r as PromiseFulfilledResult<HelloMessage>).value);
  }

  stats(): PoolStats {
    return {
      size: this.slots.length,
      ready: this.slots.filter((s) => s.ready).length,
      busy: this.slots.filter((s) => s.job !== undefined).length,
      queued: this.queue.length,
      queueLimit: this.options.queueLimit,
    };
  }

  /**
   * Admits all `specs` or none (QueueFullError, ShuttingDownError: thrown synchronously), and
   * returns one promise per spec, settled in any order.
   */
  run(specs: readonly ExecutionSpec[], options: RunOptions = {}): Array<Promise<ExecutionResult>> {
    if (this.closed) throw new ShuttingDownError();
    const idle = this.slots.filter((s) => s.ready && s.job === undefined).length;
    const room = idle + this.options.queueLimit - this.queue.length;
    if (specs.length > room) {
      throw new QueueFullError(this.queue.length, this.options.queueLimit, specs.length);
    }
    const now = Date.now();
    const promises = specs.map(
      (spec) =>
        new Promise<ExecutionResult>((resolve, reject) => {
          const job: Job = { spec, options, enqueuedAt: now, resolve, reject, settled: false };
          this.queue.push(job);
        }),
    );
    options.signal?.addEventListener('abort', () => this.dropQueued(options.signal), {
      once: true,
    });
    this.dispatch();
    return promises;
  }

  /** Stops admitting, fails what is queued, and stops every fork-server (killing after graceMs). */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) settle(job, () => job.reject(new ShuttingDownError()));
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.restartTimer);
        slot.ready = false;
        await slot.server?.close(graceMs);
      }),
    );
  }

  private dropQueued(signal: AbortSignal | undefined): void {
    const why = signal?.reason === 'deadline' ? 'deadline' : 'cancelled';
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (job && job.options.signal === signal) {
        this.queue.splice(i, 1);
        settle(job, () => job.reject(new ExecutionCancelledError(why)));
      }
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job !== undefined || !slot.server) continue;
      const job = this.nextRunnable();
      if (!job) return;
      this.runOn(slot, slot.server, job);
    }
  }

  private nextRunnable(): Job | undefined {
    for (;;) {
      const job = this.queue.shift();
      if (!job) return undefined;
      const { signal, deadline } = job.options;
      if (signal?.aborted) {
        settle(job, () =>
          job.reject(
            new ExecutionCancelledError(signal.reason === 'deadline' ? 'deadline' : 'cancelled'),
          ),
        );
        continue;
      }
      if (deadline !== undefined && deadline <= Date.now()) {
        settle(job, () => job.reject(new ExecutionCancelledError('deadline')));
        continue;
      }
      return job;
    }
  }

  private runOn(slot: Slot, server: ForkServer, job: Job): void {
    slot.job = job;
    const started = Date.now();
    const queueWaitMs = started - job.enqueuedAt;
    // Never run past the caller's deadline: nobody would read the result.
    const remaining =
      job.options.deadline === undefined ? Infinity : job.options.deadline - started;
    const spec = { ...job.spec, timeoutMs: Math.max(1, Math.min(job.spec.timeoutMs, remaining)) };
    server
      .execute(spec, this.options.outputKillBytes, job.options.signal)
      .then(
        (result) => {
          this.options.hooks?.onExecuted?.(result, queueWaitMs);
          settle(job, () => job.resolve(result));
        },
        (err: unknown) => settle(job, () => job.reject(err)),
      )
      .finally(() => {
        slot.job = undefined;
        this.dispatch();
      });
  }

  private async startSlot(slot: Slot): Promise<HelloMessage> {
    const o = this.options;
    const server = new ForkServer({
      slot: slot.index,
      python: o.python,
      script: o.script,
      boot: o.bootConfig(slot.index),
      startTimeoutMs: o.startTimeoutMs,
      watchdogGraceMs: o.watchdogGraceMs,
      maxFrameBytes: o.maxFrameBytes,
      log: o.log,
    });
    slot.server = server;
    const hello = await server.start();
    if (this.closed) {
      await server.close(0);
      throw new ShuttingDownError();
    }
    slot.ready = true;
    slot.failures = 0;
    void server.exited().then((info) => this.onSlotExit(slot, server, info));
    o.hooks?.onCapacityChange?.(this.stats().ready);
    this.dispatch();
    return hello;
  }

  private onSlotExit(slot: Slot, server: ForkServer, info: ForkServerExit): void {
    if (slot.server !== server) return;
    slot.ready = false;
    this.options.hooks?.onCapacityChange?.(this.stats().ready);
    if (this.closed) return;
    const reason: RestartReason = info.unreaped
      ? 'unreaped'
      : info.killedFor === 'watchdog' ||
          info.killedFor === 'protocol' ||
          info.killedFor === 'cancel-timeout'
        ? info.killedFor
        : 'crashed';
    this.options.log.warn(
      { slot: slot.index, reason, exit: describeExit(info) },
      'fork-server exited; replacing it',
    );
    this.options.hooks?.onRestart?.(reason);
    this.scheduleRestart(slot);
  }

  private scheduleRestart(slot: Slot): void {
    const delay = Math.min(
      MAX_BACKOFF_MS,
      slot.failures === 0 ? 0 : 100 * 2 ** (slot.failures - 1),
    );
    slot.restartTimer = setTimeout(() => {
      this.startSlot(slot).catch((err: unknown) => {
        if (this.closed) return;
        slot.failures++;
        this.options.log.error({ slot: slot.index, err }, 'fork-server restart failed');
        this.scheduleRestart(slot);
      });
    }, delay);
  }
}

function settle(job: Job, fn: () => void): void {
  if (job.settled) return;
  job.settled = true;
  fn();
}
