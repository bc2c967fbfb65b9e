import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  EvalShardJobDataSchema,
  RstarError,
  ShardJobDataSchema,
  errorCodeOf,
  type EvalShardJobResult,
  type ShardJobResult,
} from '@rstar-fleet/protocol';
import { EVAL_SHARD_JOB, SHARD_JOB } from '@rstar-fleet/queue';
import {
  ShardCancelledError,
  describeFailure,
  isPoisonShardError,
  runEvalShard,
  runShard,
  type EvalShardDeps,
  type ShardHooks,
} from '@rstar-fleet/rollout';
import type { WorkerMetrics } from './metrics';

export interface ProcessorContext {
  /** Serves both kinds of job (runShard reads what it needs of them). */
  deps: EvalShardDeps;
  log: Logger;
  metrics: WorkerMetrics;
  /** True once shutdown began: a job cancelled then goes back to `wait` (no attempt spent). */
  shuttingDown(): boolean;
  /** A shard job of `run` started (true) or ended (false): the run's dependencies are watched meanwhile. */
  onShard?(run: string, active: boolean): void;
}

/** A validated job of `shards`: what it runs, and how logs name it. */
interface ShardTask {
  /** `shard` or `eval shard`, in log messages. */
  kind: string;
  run: string;
  /** Log fields naming the job (never metric labels). */
  fields: Record<string, string | number>;
  start(hooks: ShardHooks): Promise<ShardJobResult | EvalShardJobResult>;
}

/**
 * The BullMQ processor of `shards`: validates the payload by the job's name (`shard`: a round's
 * shard, runShard; `eval-shard`: an evaluation's, runEvalShard), runs it with the job's
 * cancellation signal and progress, and maps failures onto BullMQ's vocabulary, the same for
 * both kinds:
 * - unknown job name, invalid payload, malformed shard, missing manifest/shard/phase, bad mode
 *   options → UnrecoverableError (poison: no retries; the round or evaluation completes with
 *   the shard listed as failed);
 * - cancelled by shutdown → the job is moved back to `wait` (WaitingError), so a rolling
 *   restart neither loses it nor spends an attempt on it;
 * - anything else (outage past its budget, an eval shard's server down at its first probe, lost
 *   lock, store errors) → thrown: retried with backoff by the job's attempts.
 */
export function createShardProcessor(ctx: ProcessorContext) {
  return async (
    job: Job,
    token?: string,
    signal?: AbortSignal,
  ): Promise<ShardJobResult | EvalShardJobResult> => {
    const task = taskOf(job, ctx);
    const log = ctx.log.child({ job: job.id, ...task.fields });
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    ctx.metrics.activeJobs.inc();
    ctx.onShard?.(task.run, true);
    log.info({ attempt: job.attemptsMade + 1 }, `${task.kind} started`);
    try {
      const result = await task.start({
        ...(signal === undefined ? {} : { signal }),
        progress: (p) => job.updateProgress(p),
        onOutage: (e) => {
          // Which dependency, which address, which code: the engine's own message names none.
          const cause = describeFailure(e.error);
          log.warn(
            {
              unit: e.unit,
              scope: e.scope,
              port: e.port,
              attempt: e.attempt,
              outageMs: e.outageMs,
              delayMs: e.delayMs,
              dependency: cause.dependency,
              endpoint: cause.endpoint,
              code: cause.code,
              err: cause.message,
            },
            // A call is sent again and the tree keeps what it has; a unit restart (the rare
            // failure no call retry covers) searches the tree again from its root.
            e.scope === 'call'
              ? 'dependency unavailable; retrying the call after a pause'
              : 'dependency unavailable; searching the unit again after a pause',
          );
        },
      });
      ctx.metrics.jobSeconds.labels('completed').observe(seconds());
      log.info({ ...result, seconds: seconds() }, `${task.kind} completed`);
      return result;
    } catch (err) {
      if (err instanceof ShardCancelledError && ctx.shuttingDown() && token !== undefined) {
        ctx.metrics.jobSeconds.labels('released').observe(seconds());
        await job.moveToWait(token);
        log.info({ reason: err.message }, `${task.kind} released to the queue for another worker`);
        throw new WaitingError();
      }
      if (isPoisonShardError(err)) {
        ctx.metrics.jobSeconds.labels('poison').observe(seconds());
        log.error({ err: message(err) }, `poison ${task.kind}: failing without retries`);
        throw new UnrecoverableError(message(err));
      }
      ctx.metrics.jobSeconds.labels('failed').observe(seconds());
      const cause = describeFailure(err);
      log.warn(
        {
          dependency: cause.dependency,
          endpoint: cause.endpoint,
          code: cause.code,
          err: cause.message,
        },
        `${task.kind} failed; the queue retries it`,
      );
      // BullMQ keeps only the message as the job's failedReason (what `status` shows): the
      // whole chain, so it names the dependency, its address and the error code.
      throw new RstarError(errorCodeOf(err), cause.message, { cause: err });
    } finally {
      ctx.metrics.activeJobs.dec();
      ctx.onShard?.(task.run, false);
    }
  };
}

/** The job's task by its name; UnrecoverableError for an unknown name or an invalid payload. */
function taskOf(job: Job, ctx: ProcessorContext): ShardTask {
  switch (job.name) {
    case SHARD_JOB: {
      const data = payload(job, ShardJobDataSchema);
      return {
        kind: 'shard',
        run: data.run,
        fields: { run: data.run, round: data.round, shard: data.shard },
        start: (hooks) => runShard(data, ctx.deps, hooks),
      };
    }
    case EVAL_SHARD_JOB: {
      const data = payload(job, EvalShardJobDataSchema);
      return {
        kind: 'eval shard',
        run: data.run,
        fields: {
          run: data.run,
          round: data.round,
          evaluation: data.evaluation,
          shard: data.shard,
        },
        start: (hooks) => runEvalShard(data, ctx.deps, hooks),
      };
    }
    default:
      throw new UnrecoverableError(
        `job ${job.id}: unknown job name ${JSON.stringify(job.name)} on the shards queue (expected ${SHARD_JOB} or ${EVAL_SHARD_JOB})`,
      );
  }
}

function payload<S extends z.ZodType>(job: Job, schema: S): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnrecoverableError(
      `job ${job.id}: invalid ${job.name} job data: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/** InvalidInputError messages already start with their file:line, so the message is enough. */
function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
