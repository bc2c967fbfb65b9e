import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import {
  RstarError,
  ShardJobDataSchema,
  errorCodeOf,
  type ShardJobResult,
} from '@rstar-fleet/protocol';
import {
  ShardCancelledError,
  describeFailure,
  isPoisonShardError,
  runShard,
  type ShardDeps,
} from '@rstar-fleet/rollout';
import type { WorkerMetrics } from './metrics';

export interface ProcessorContext {
  deps: ShardDeps;
  log: Logger;
  metrics: WorkerMetrics;
  /** True once shutdown began: a job cancelled then goes back to `wait` (no attempt spent). */
  shuttingDown(): boolean;
  /** A shard job of `run` started (true) or ended (false): the run's dependencies are watched meanwhile. */
  onShard?(run: string, active: boolean): void;
}

/**
 * The BullMQ processor of `shards`: validates the payload, runs the shard with the job's
 * cancellation signal and progress, and maps failures onto BullMQ's vocabulary:
 * - invalid payload, malformed shard, missing manifest/shard/phase → UnrecoverableError (poison:
 *   no retries; the round completes with the shard listed as failed);
 * - cancelled by shutdown → the job is moved back to `wait` (WaitingError), so a rolling
 *   restart neither loses it nor spends an attempt on it;
 * - anything else (outage past its budget, lost lock, store errors) → thrown: retried with
 *   backoff by the job's attempts.
 */
export function createShardProcessor(ctx: ProcessorContext) {
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<ShardJobResult> => {
    const parsed = ShardJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnrecoverableError(
        `job ${job.id}: invalid shard job data: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
      );
    }
    const data = parsed.data;
    const log = ctx.log.child({ job: job.id, run: data.run, round: data.round, shard: data.shard });
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    ctx.metrics.activeJobs.inc();
    ctx.onShard?.(data.run, true);
    log.info({ attempt: job.attemptsMade + 1 }, 'shard started');
    try {
      const result = await runShard(data, ctx.deps, {
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
      log.info({ ...result, seconds: seconds() }, 'shard completed');
      return result;
    } catch (err) {
      if (err instanceof ShardCancelledError && ctx.shuttingDown() && token !== undefined) {
        ctx.metrics.jobSeconds.labels('released').observe(seconds());
        await job.moveToWait(token);
        log.info({ reason: err.message }, 'shard released to the queue for another worker');
        throw new WaitingError();
      }
      if (isPoisonShardError(err)) {
        ctx.metrics.jobSeconds.labels('poison').observe(seconds());
        log.error({ err: message(err) }, 'poison shard: failing without retries');
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
        'shard failed; the queue retries it',
      );
      // BullMQ keeps only the message as the job's failedReason (what `status` shows): the
      // whole chain, so it names the dependency, its address and the error code.
      throw new RstarError(errorCodeOf(err), cause.message, { cause: err });
    } finally {
      ctx.metrics.activeJobs.dec();
      ctx.onShard?.(data.run, false);
    }
  };
}

/** InvalidInputError messages already start with their file:line, so the message is enough. */
function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
