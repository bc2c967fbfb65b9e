import { DelayedError, QueueEvents, WaitingError, Worker, type Job, type Queue } from 'bullmq';
import type { RunPlan } from '@rstar-fleet/config';
import {
  EvalJobDataSchema,
  RstarError,
  errorCodeOf,
  parseShardJobId,
  parseShardProgress,
} from '@rstar-fleet/protocol';
import { EVAL_JOB, ROUND_QUEUE, SHARD_QUEUE } from '@rstar-fleet/queue';
import { planFile } from '@rstar-fleet/store';
import {
  Lifecycle,
  compileLifecycleOptions,
  type ShutdownResult,
  type ShutdownSteps,
} from '@rstar-fleet/telemetry';
import { openFleetContext, type FleetContext, type RedisHealth } from './context';
import { compileFleetOptions, type CompiledFleetOptions } from './fleet-options';
import { ingestCorpus } from './ingest';
import type { RunLeaseLostError } from './lease-errors';
import { EvalEngine } from './eval-engine';
import { flowOptions } from './fleet-options';
import { RoundEngine } from './round-engine';
import { PLAN_EVAL_NAME, RoundEvaluator } from './round-evaluator';
import { RoundInterruptedError } from './round-interrupted-error';
import { planHash, resolveRunId } from './run-id';
import { RunLease } from './run-lease';
import { readRunState, RUN_STATE_VERSION, type RunState } from './run-state';
import { RunStateHolder } from './state-holder';
import { getRunStatus } from './status';
import {
  silentLogger,
  type FleetLogger,
  type FleetObserver,
  type FleetOptions,
  type QueueJobCounts,
  type RunStatus,
} from './types';

/** What hosts hold while a run is in progress (the CLI's HTTP API reads status through it). */
export interface OrchestratorHandle {
  readonly run: string;
  /** The final run state; rejects when the run fails (a hook, a round job out of attempts). */
  readonly done: Promise<RunState>;
  status(): Promise<RunStatus>;
  /** Job counts of the `shards` and `rounds` queues by state (every run on the prefix). */
  queueCounts(): Promise<Record<string, QueueJobCounts>>;
  /** The queues themselves, for a queue inspection UI (read them; the orchestrator owns them). */
  queues(): Queue[];
  /** True once the run is started or resumed (ingest done, the rounds worker running). */
  ready(): boolean;
  /** Whether Redis is connected now (readiness; no round trip). */
  redisHealth(): RedisHealth;
  /** The bounded shutdown (grace, then force); resolves with how it went, never rejects. */
  close(): Promise<ShutdownResult>;
}

/** A round job that belongs to another run on the same queues is handed back after this. */
const FOREIGN_JOB_DELAY_MS = 5000;
/** A round job taken by an orchestrator that lost the run's lease is handed back after this. */
const LEASE_LOST_JOB_DELAY_MS = 1000;
/** After the grace: how long the cancelled round job gets to go back to its queue. */
const ROUND_JOB_SETTLE_MS = 1000;
/** Each connection closed at the end (queue events, the lease, Redis) gets this long. */
const CLOSE_STEP_MS = 2000;

/**
 * One run of a plan, driven in this process: ingest once, then the `rounds` worker moves the run
 * from phase to phase and round to round (see RoundEngine). Start it again after a stop (or a
 * crash) with the same plan and run id and it resumes where run.json says it was.
 */
export class Orchestrator implements OrchestratorHandle {
  readonly done: Promise<RunState>;
  private resolveDone!: (s: RunState) => void;
  private rejectDone!: (e: Error) => void;
  private worker: Worker | null = null;
  private events: QueueEvents | null = null;
  private holder: RunStateHolder | null = null;
  private lease: RunLease | null = null;
  private started = false;
  private readonly abort = new AbortController();
  private readonly logger: FleetLogger;
  /** Running from open() on (it holds connections); close() and stop signals end it. */
  readonly lifecycle: Lifecycle;

  private constructor(
    readonly plan: RunPlan,
    readonly run: string,
    private readonly ctx: FleetContext,
    private readonly options: CompiledFleetOptions,
    private readonly observer: FleetObserver,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.done = new Promise<RunState>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Hosts that never await `done` (status-only use) must not see an unhandled rejection.
    this.done.catch(() => undefined);
    this.lifecycle = new Lifecycle(
      'orchestrator',
      compileLifecycleOptions({
        graceMs: options.closeGraceMs,
        settleMs: ROUND_JOB_SETTLE_MS,
        closeMs: CLOSE_STEP_MS,
      }),
    );
    this.lifecycle.running(this.shutdownSteps());
    this.lifecycle.onChange((state) => {
      if (state.phase === 'stopped') {
        this.rejectDone(new RstarError('CANCELLED', `orchestrator of run ${this.run} closed`));
      }
    });
  }

  static async open(
    plan: RunPlan,
    options: FleetOptions,
    observer: FleetObserver = {},
  ): Promise<Orchestrator> {
    const run = resolveRunId(options.run, plan.name, options.planText);
    const ctx = await openFleetContext(plan, {
      role: 'worker',
      connectionName: 'rstar-orchestrator',
      ...(options.redisPassword === undefined ? {} : { redisPassword: options.redisPassword }),
      ...(options.store === undefined ? {} : { store: options.store }),
      ...(options.spoolDir === undefined ? {} : { spoolDir: options.spoolDir }),
    });
    if (plan.evaluate !== null && options.evalSources === undefined) {
      await ctx.close();
      throw new RstarError(
        'FAILED_PRECONDITION',
        `${plan.source} has evaluate: but the host gave no benchmark location (evalSources)`,
      );
    }
    return new Orchestrator(plan, run, ctx, compileFleetOptions(options), observer);
  }

  ready(): boolean {
    return this.started;
  }

  redisHealth(): RedisHealth {
    return this.ctx.redisHealth();
  }

  status(): Promise<RunStatus> {
    return getRunStatus(this.ctx, this.run);
  }

  async queueCounts(): Promise<Record<string, QueueJobCounts>> {
    const [shards, rounds] = await Promise.all([
      this.ctx.shards.getJobCounts(),
      this.ctx.rounds.getJobCounts(),
    ]);
    return { [SHARD_QUEUE]: shards, [ROUND_QUEUE]: rounds };
  }

  queues(): Queue[] {
    return [this.ctx.shards, this.ctx.rounds];
  }

  /** Creates or resumes the run; resolves once its current phase is in the queues. */
  async start(): Promise<void> {
    // One orchestrator per run: refused (RunLeaseHeldError) while another one holds the lease.
    const lease = await RunLease.acquire({
      redis: this.ctx.redis,
      prefix: this.plan.redis.prefix,
      run: this.run,
      ttlMs: this.options.leaseMs,
      logger: this.logger,
      onLost: (err) => this.leaseLost(err),
    });
    this.lease = lease;
    this.logger.info(
      { run: this.run, holder: lease.holder, token: lease.token, leaseMs: this.options.leaseMs },
      'run lease acquired',
    );
    const holder = await this.loadState(lease);
    this.holder = holder;
    const state = holder.get();
    if (state.status === 'done') {
      this.started = true;
      this.observer.runDone?.(state);
      this.resolveDone(state);
      return;
    }
    if (state.ingest === null) {
      await holder.update((s) => {
        s.status = 'ingesting';
      });
      const { summary } = await ingestCorpus(
        this.ctx.store,
        this.plan,
        this.run,
        (p) => this.observer.ingestProgress?.(p),
        this.abort.signal,
      ).catch(async (err: unknown) => {
        // Bad input (an empty corpus, a JSON array given as JSONL) is the run's failure, and
        // run.json says why; a stop is not, and the next start ingests again either way.
        if (errorCodeOf(err) !== 'CANCELLED') {
          await holder.update((s) => {
            s.status = 'failed';
            s.error = err instanceof Error ? err.message : String(err);
          });
        }
        throw err;
      });
      await holder.update((s) => {
        s.ingest = summary;
      });
      this.logger.info({ run: this.run, ...summary }, 'corpus ingested');
      this.observer.ingestDone?.(summary);
    }
    await holder.update((s) => {
      s.status = 'running';
      s.error = null;
    });
    const evalEngine = new EvalEngine({
      ctx: this.ctx,
      flow: flowOptions(this.options),
      logger: this.logger,
      observer: this.observer,
    });
    const engine = new RoundEngine({
      ctx: this.ctx,
      plan: this.plan,
      run: this.run,
      options: this.options,
      observer: this.observer,
      logger: this.logger,
      state: holder,
      evaluator: new RoundEvaluator({
        ctx: this.ctx,
        plan: this.plan,
        run: this.run,
        state: holder,
        engine: evalEngine,
        read: this.options.evalSources ?? null,
        logger: this.logger,
      }),
      signal: this.abort.signal,
      onRunDone: () => {
        const final = holder.get();
        this.observer.runDone?.(final);
        this.resolveDone(final);
      },
    });
    const current = holder.get().rounds.find((r) => r.status !== 'done');
    if (current === undefined) {
      // Every round done but the run not marked: finish it.
      await holder.update((s) => {
        s.status = 'done';
        s.finishedAt ??= new Date().toISOString();
      });
      this.resolveDone(holder.get());
    } else if (current.status === 'pending') {
      await engine.startRound(current.round);
    } else {
      await engine.resumeRound(current.round);
    }
    // Closed meanwhile: no rounds worker may start after the shutdown drained.
    if (this.abort.signal.aborted) throw new RoundInterruptedError(`run ${this.run} start`);
    // Only now: a round job picked up while the resume above still ran could start the same
    // round twice.
    this.startWorkers(engine, evalEngine);
    this.started = true;
  }

  /** Stops the rounds worker (grace, then force) and closes every connection. Idempotent. */
  close(): Promise<ShutdownResult> {
    return this.lifecycle.shutdown('closed');
  }

  /**
   * The orchestrator's bounded shutdown: the run stops at its next step (hooks are stopped) and
   * the rounds worker finishes its job within the grace; then the job is cancelled back to its
   * queue (no attempt spent, as the rollout worker's shard jobs); a worker that still does not
   * close has its connections dropped (stall detection returns the job); then the connections.
   */
  private shutdownSteps(): ShutdownSteps {
    return {
      drain: () => {
        this.abort.abort();
        return this.worker?.close() ?? Promise.resolve();
      },
      // BullMQ 6: close(true) after close() returns the first call's promise and forces nothing.
      force: (why) => {
        if (this.worker !== null) {
          this.logger.warn({ run: this.run, why }, 'rounds worker busy: cancelling its round job');
          this.worker.cancelAllJobs(`orchestrator of run ${this.run} shutting down`);
        }
        return undefined;
      },
      abandon: () => {
        this.logger.error(
          { run: this.run },
          'rounds worker did not stop; dropping its connections (stall detection returns its job)',
        );
        return this.worker?.disconnect() ?? Promise.resolve();
      },
      close: [
        { name: 'queue events', run: () => this.events?.close() },
        { name: 'run lease', run: () => this.lease?.release() },
        { name: 'redis', run: () => this.ctx.close() },
      ],
    };
  }

  /**
   * One round job, until the engine is done with it or the shutdown stops it: stopped (hooks
   * interrupted) or cancelled (forced, `signal`), it goes back to `wait` with no attempt spent
   * and the next orchestrator of the run takes it up.
   */
  private async processRoundJob(
    engines: { round: RoundEngine; eval: EvalEngine },
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    // `rounds` holds phase parents and evaluation parents (stateless: see EvalEngine); the plan's
    // own evaluation of a round, once reported, lets the run go on.
    const work =
      job.name === EVAL_JOB
        ? engines.eval.process(job, token).then(async (outcome) => {
            if (outcome.evaluation === PLAN_EVAL_NAME) await engines.round.evaluated(outcome.round);
            return outcome;
          })
        : engines.round.process(job, token);
    // Once cancelled, what the engine still does ends unobserved (it writes nothing more once
    // stopped: the run's abort signal was raised first).
    work.catch(() => undefined);
    const cancelled = new Promise<'cancelled'>((resolve) => {
      if (signal?.aborted === true) resolve('cancelled');
      signal?.addEventListener('abort', () => resolve('cancelled'), { once: true });
    });
    let interrupted: RoundInterruptedError;
    try {
      const outcome = await Promise.race([work, cancelled]);
      if (outcome !== 'cancelled') return outcome;
      interrupted = new RoundInterruptedError(`round job ${job.id ?? '?'}`);
    } catch (err) {
      if (!(err instanceof RoundInterruptedError)) throw err;
      interrupted = err;
    }
    if (token === undefined) throw interrupted;
    await job.moveToWait(token);
    throw new WaitingError();
  }

  private async holdsLease(): Promise<boolean> {
    try {
      await this.lease?.check();
      return this.lease !== null;
    } catch {
      return false;
    }
  }

  /** Another orchestrator took the run over: stop here, with the reason, writing nothing more. */
  private leaseLost(err: RunLeaseLostError): void {
    this.logger.error({ run: this.run, err: err.message }, 'run lease lost; stopping');
    this.abort.abort();
    this.rejectDone(err);
  }

  private async loadState(lease: RunLease): Promise<RunStateHolder> {
    const { store } = this.ctx;
    const hash = planHash(this.options.planText);
    const existing = await readRunState(store, this.run);
    if (existing !== null) {
      if (existing.planHash !== hash) {
        throw new RstarError(
          'FAILED_PRECONDITION',
          `run ${this.run} was started with another plan (${planFile(this.run)}, sha256 ` +
            `${existing.planHash.slice(0, 12)}) than ${this.plan.source} (sha256 ${hash.slice(0, 12)}); ` +
            'pass another --run id to start a new run',
        );
      }
      if (!(await store.exists(planFile(this.run)))) {
        await store.write(planFile(this.run), this.options.planText);
      }
      return new RunStateHolder(store, existing, lease);
    }
    await store.write(planFile(this.run), this.options.planText);
    const now = new Date().toISOString();
    const state: RunState = {
      v: RUN_STATE_VERSION,
      run: this.run,
      planName: this.plan.name,
      planHash: hash,
      status: 'ingesting',
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      error: null,
      ingest: null,
      rounds: this.plan.rounds.map((r) => ({
        round: r.round,
        status: 'pending',
        manifest: null,
        phases: [],
        hooks: { train: null, deploy: null },
        failedShards: [],
        startedAt: null,
        finishedAt: null,
        summary: null,
      })),
    };
    const holder = new RunStateHolder(store, state, lease);
    await holder.update(() => undefined);
    return holder;
  }

  private startWorkers(engine: RoundEngine, evalEngine: EvalEngine): void {
    const connection = this.ctx.workerConnection('rstar-orchestrator-rounds');
    const prefix = this.plan.redis.prefix;
    const worker = new Worker(
      ROUND_QUEUE,
      async (job: Job, token?: string, signal?: AbortSignal) => {
        if ((job.data as { run?: unknown }).run !== this.run) {
          await job.moveToDelayed(Date.now() + FOREIGN_JOB_DELAY_MS, token);
          throw new DelayedError();
        }
        // A holder that lost the run's lease (stalled past its TTL, taken over) hands the job
        // back untouched, no attempt spent, to the orchestrator that holds the run now.
        if (!(await this.holdsLease())) {
          await job.moveToDelayed(Date.now() + LEASE_LOST_JOB_DELAY_MS, token);
          throw new DelayedError();
        }
        return this.processRoundJob({ round: engine, eval: evalEngine }, job, token, signal);
      },
      {
        connection,
        prefix,
        concurrency: 1,
        // Round completion runs hooks for hours: the lock is renewed by timer (the hooks are
        // child processes), and a stall (crash) re-runs the idempotent completion.
        lockDuration: 120_000,
        maxStalledCount: 5,
      },
    );
    worker.on('error', (err) => this.logger.warn({ err: err.message }, 'rounds worker error'));
    worker.on('failed', (job, err) => {
      if (job === undefined || (job.data as { run?: unknown }).run !== this.run) return;
      const final =
        err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      const evaluation = job.name === EVAL_JOB ? EvalJobDataSchema.safeParse(job.data) : null;
      if (evaluation !== null && evaluation.data?.evaluation !== PLAN_EVAL_NAME) {
        // An evaluation that cannot report is its own failure (its command says why), not the run's.
        this.logger.error(
          { run: this.run, job: job.id, attempt: job.attemptsMade, final, err: err.message },
          'evaluation job failed',
        );
        return;
      }
      this.logger.error(
        { run: this.run, job: job.id, attempt: job.attemptsMade, final, err: err.message },
        evaluation === null ? 'round job failed' : "the plan's evaluation job failed",
      );
      if (!final || this.abort.signal.aborted) return;
      // The plan's evaluation of a round (too many failed eval shards) stops the run too.
      void this.holder
        ?.update((s) => {
          s.status = 'failed';
          s.error = err.message;
        })
        .finally(() =>
          // A failed round carries its typed error (RoundFailedError, EvalFailedError) as the cause.
          this.rejectDone(
            err.cause instanceof RstarError
              ? err.cause
              : new RstarError('FAILED_PRECONDITION', err.message),
          ),
        );
    });
    this.worker = worker;

    const events = new QueueEvents(SHARD_QUEUE, { connection, prefix });
    events.on('error', () => {});
    events.on('progress', ({ jobId, data }) => {
      const job = parseShardJobId(jobId);
      const progress = parseShardProgress(data);
      if (job?.run !== this.run || progress === null) return;
      const { round, shard } = job;
      void engine.phaseOf(round, shard).then(
        (phase) => {
          if (phase !== null) {
            this.observer.shardProgress?.({ round, phase, shard, unitsDone: progress.done });
          }
        },
        (err: unknown) =>
          this.logger.warn({ err: (err as Error).message, round }, 'shard progress not reported'),
      );
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const job = parseShardJobId(jobId);
      if (job?.run !== this.run) return;
      this.observer.shardFailed?.({ round: job.round, shard: job.shard, reason: failedReason });
    });
    this.events = events;
  }
}

/** Runs a plan to the end in this process; resolves with the final run state. */
export async function runFleet(
  plan: RunPlan,
  options: FleetOptions,
  observer: FleetObserver = {},
): Promise<RunState> {
  const orchestrator = await Orchestrator.open(plan, options, observer);
  try {
    await orchestrator.start();
    return await orchestrator.done;
  } finally {
    await orchestrator.close();
  }
}
