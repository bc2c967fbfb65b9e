import { InvalidInputError } from '@rstar-fleet/protocol';
import { LifecycleStateError } from './lifecycle-state-error';
import { ShutdownStepError } from './shutdown-step-error';
import { watchStopSignals } from './stop-signal';

/**
 * The bounds of a service's shutdown (DESIGN §8: every shutdown is bounded, grace then force).
 * Each is in milliseconds; the worst case of a shutdown is graceMs + settleMs + closeMs per step.
 */
export interface LifecycleOptions {
  /** How long the work in flight may finish on its own once a stop is asked. Default 10 000. */
  graceMs?: number;
  /**
   * After the grace: how long the forced work (cancelled jobs, cut calls) gets to wind down
   * before it is abandoned. Default 10 000.
   */
  settleMs?: number;
  /** The bound of each later step: abandoning the work, then each close step. Default 5 000. */
  closeMs?: number;
}

export type LifecycleSettings = Readonly<Required<LifecycleOptions>>;

export const LIFECYCLE_DEFAULTS: LifecycleSettings = Object.freeze({
  graceMs: 10_000,
  settleMs: 10_000,
  closeMs: 5_000,
});

/** The options with their defaults, checked once (where the service is wired), then frozen. */
export function compileLifecycleOptions(options: LifecycleOptions = {}): LifecycleSettings {
  const settings = { ...LIFECYCLE_DEFAULTS };
  for (const key of Object.keys(LIFECYCLE_DEFAULTS) as (keyof LifecycleSettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidInputError(`expected milliseconds (an integer ≥ 0), got ${value}`, {
        field: key,
      });
    }
    settings[key] = value;
  }
  return Object.freeze(settings);
}

/**
 * How the work in flight ended: it finished within the grace (`drained`), it stopped once forced
 * (`forced`: jobs cancelled back to their queue, calls cut), or it did not stop even then and was
 * left behind (`abandoned`: its connections dropped; a queue's stall detection returns its jobs).
 */
export type DrainOutcome = 'drained' | 'forced' | 'abandoned';

export interface ShutdownResult {
  /** What asked for the shutdown: a signal's name or the caller's reason. */
  readonly reason: string;
  readonly drain: DrainOutcome;
  /** Why the work was forced (`grace over`, a second signal, ...); null when it drained. */
  readonly forcedBy: string | null;
  /** Steps that failed or overran their bound, in order; the shutdown went on past each. */
  readonly failures: readonly ShutdownStepError[];
  readonly durationMs: number;
}

/**
 * Where a service is in its life:
 *
 *   starting ─running()─▶ running ─shutdown()─▶ draining ─(grace over)─▶ forcing
 *      │                                            └──────(drained)──────────┴─▶ stopping ─▶ stopped
 *      └─failStart()─▶ failed
 */
export type LifecycleState =
  | { readonly phase: 'starting' }
  | { readonly phase: 'running' }
  | { readonly phase: 'draining'; readonly reason: string }
  | { readonly phase: 'forcing'; readonly reason: string; readonly forcedBy: string }
  | { readonly phase: 'stopping'; readonly reason: string; readonly drain: DrainOutcome }
  | { readonly phase: 'stopped'; readonly result: ShutdownResult }
  | { readonly phase: 'failed'; readonly error: unknown };

export type LifecyclePhase = LifecycleState['phase'];

/** What the shutdown of one service does, step by step; the lifecycle bounds every step. */
export interface ShutdownSteps {
  /**
   * Stop taking work (readiness off, NOT_SERVING, no more jobs fetched) and resolve once the
   * work in flight has finished. It needs no bound of its own: it is raced with the grace.
   */
  drain(): Promise<unknown>;
  /**
   * The grace is over (or forceNow was called): make the work in flight stop — cancel its jobs,
   * cut its calls — so that `drain()` settles. `why` says what forced it. It may return other
   * bounds for what follows (e.g. shorter ones when a dependency is gone and waiting is moot).
   */
  force?(why: string): ForceBounds | undefined;
  /** The forced work did not settle either: let go of it (drop the connections it waits on). */
  abandon?(): Promise<unknown>;
  /** Then these, in order, each within `closeMs`: a failure is reported and the next one runs. */
  close?: readonly CloseStep[];
}

/** Bounds a force step may change for the rest of its shutdown. */
export interface ForceBounds {
  settleMs?: number;
  /** The bound of `abandon()`. */
  abandonMs?: number;
}

export interface CloseStep {
  /** Names the step in a ShutdownStepError (`redis`, `http`, `pool`, ...). */
  readonly name: string;
  run(): Promise<unknown> | void;
}

/** `promise` settled (true) or `ms` passed (false); a rejection counts as settled. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * One service's life, with the one bounded shutdown every service shares (orchestrator, rollout
 * worker, sandbox): drain within the grace, then force and let the forced work settle, then
 * abandon what still runs, then close each resource within its bound. The shutdown never throws
 * and never waits longer than its bounds; what went wrong is in its result.
 */
export class Lifecycle {
  private current: LifecycleState = { phase: 'starting' };
  private steps: ShutdownSteps | null = null;
  private stopping: Promise<ShutdownResult> | null = null;
  private forceRequested: ((why: string) => void) | null = null;
  private pendingForce: string | null = null;
  private readonly listeners = new Set<(state: LifecycleState) => void>();
  private readonly stoppedPromise: Promise<ShutdownResult>;
  private resolveStopped!: (result: ShutdownResult) => void;

  constructor(
    /** Names the service in errors. */
    readonly service: string,
    readonly settings: LifecycleSettings,
  ) {
    this.stoppedPromise = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  get state(): LifecycleState {
    return this.current;
  }

  /** Resolves once the service has stopped, with the shutdown's result. */
  get stopped(): Promise<ShutdownResult> {
    return this.stoppedPromise;
  }

  /** Called with every new state (logs, readiness); returns the function that unsubscribes. */
  onChange(listener: (state: LifecycleState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True from the moment a shutdown is asked (readiness goes off with it). */
  isStopping(): boolean {
    return this.stopping !== null;
  }

  /** starting → running: the service is up, and `steps` is what its shutdown must do. */
  running(steps: ShutdownSteps): void {
    this.expect('starting', 'start running');
    this.steps = steps;
    this.set({ phase: 'running' });
  }

  /**
   * starting → failed: start-up threw. Closes what was already open (each step bounded, failures
   * ignored: the start-up error is the one to report) and keeps the error in the state.
   */
  async failStart(error: unknown, close: readonly CloseStep[] = []): Promise<void> {
    this.expect('starting', 'fail its start');
    for (const step of close)
      await this.bounded(step.name, () => step.run(), this.settings.closeMs);
    this.set({ phase: 'failed', error });
  }

  /**
   * Asks for the bounded shutdown: the first call starts it, later ones get the same result.
   * Resolves once everything is closed; never rejects.
   */
  shutdown(reason: string): Promise<ShutdownResult> {
    if (this.stopping === null) {
      const steps = this.steps;
      if (steps === null) {
        throw new LifecycleStateError(this.service, this.current.phase, 'shut down');
      }
      this.stopping = this.run(reason, steps);
    }
    return this.stopping;
  }

  /**
   * Cuts what is left of the grace short (a second Ctrl-C, a dependency gone for good): the work
   * in flight is forced now. Before a shutdown it applies to the next one's drain.
   */
  forceNow(why: string): void {
    if (this.forceRequested !== null) this.forceRequested(why);
    else this.pendingForce ??= why;
  }

  /**
   * SIGINT/SIGTERM stop the service: the first starts the shutdown; later ones no longer kill the
   * process mid-shutdown. A later SIGINT (Ctrl-C again: someone at the terminal wants out now)
   * forces the work at once; a later SIGTERM (a supervisor repeating itself) changes nothing, the
   * shutdown being bounded anyway. Every signal goes to `onSignal` with its count, to be logged.
   * The listeners go once the service stopped.
   */
  shutdownOnSignals(onSignal: (signal: NodeJS.Signals, count: number) => void = () => {}): void {
    const unwatch = watchStopSignals((signal, count) => {
      onSignal(signal, count);
      if (count === 1) void this.shutdown(signal);
      else if (signal === 'SIGINT') this.forceNow('SIGINT again');
    });
    void this.stoppedPromise.then(unwatch);
  }

  private async run(reason: string, steps: ShutdownSteps): Promise<ShutdownResult> {
    const started = Date.now();
    const { graceMs, closeMs } = this.settings;
    const failures: ShutdownStepError[] = [];
    this.set({ phase: 'draining', reason });
    const forced = new Promise<string>((resolve) => (this.forceRequested = resolve));
    if (this.pendingForce !== null) this.forceRequested?.(this.pendingForce);
    const drained = this.attempt('drain', () => steps.drain(), failures);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('grace over'), graceMs);
    });
    const forcedBy = await Promise.race([drained.then(() => null), graceOver, forced]);
    clearTimeout(timer);
    let drain: DrainOutcome = 'drained';
    if (forcedBy !== null) {
      this.set({ phase: 'forcing', reason, forcedBy });
      let bounds: ForceBounds | undefined;
      try {
        bounds = steps.force?.(forcedBy);
      } catch (err) {
        failures.push(new ShutdownStepError('force', null, err));
      }
      drain = 'forced';
      if (!(await settledWithin(drained, bounds?.settleMs ?? this.settings.settleMs))) {
        drain = 'abandoned';
        if (steps.abandon !== undefined) {
          const abandonMs = bounds?.abandonMs ?? closeMs;
          const failure = await this.bounded('abandon', () => steps.abandon?.(), abandonMs);
          if (failure !== null) failures.push(failure);
        }
      }
    }
    this.set({ phase: 'stopping', reason, drain });
    for (const step of steps.close ?? []) {
      const failure = await this.bounded(step.name, () => step.run(), closeMs);
      if (failure !== null) failures.push(failure);
    }
    const result: ShutdownResult = {
      reason,
      drain,
      forcedBy,
      failures,
      durationMs: Date.now() - started,
    };
    this.set({ phase: 'stopped', result });
    this.resolveStopped(result);
    return result;
  }

  /** Runs a step; resolves once it settles, a failure recorded in `failures`. */
  private attempt(
    name: string,
    step: () => Promise<unknown>,
    failures: ShutdownStepError[],
  ): Promise<void> {
    return Promise.resolve()
      .then(step)
      .then(
        () => undefined,
        (err: unknown) => void failures.push(new ShutdownStepError(name, null, err)),
      );
  }

  /** Runs a step within `ms`; resolves with its failure, or null when it finished in time. */
  private async bounded(
    name: string,
    step: () => Promise<unknown> | void,
    ms: number,
  ): Promise<ShutdownStepError | null> {
    let failure: ShutdownStepError | null = null;
    const run = Promise.resolve()
      .then(step)
      .catch((err: unknown) => {
        failure = new ShutdownStepError(name, null, err);
      });
    if (!(await settledWithin(run, ms))) return new ShutdownStepError(name, ms);
    return failure;
  }

  private expect(phase: LifecyclePhase, transition: string): void {
    if (this.current.phase !== phase) {
      throw new LifecycleStateError(this.service, this.current.phase, transition);
    }
  }

  private set(state: LifecycleState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
