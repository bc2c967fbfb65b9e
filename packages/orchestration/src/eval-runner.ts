import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, Worker, type Job } from 'bullmq';
import { parseEvalReport, type EvalReport } from '@rstar-fleet/evaluation';
import { evalJobId, RstarError, type EvalManifest } from '@rstar-fleet/protocol';
import { EVAL_JOB, ROUND_QUEUE } from '@rstar-fleet/queue';
import { evalFile, readIfExists } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import type { EvalEngine } from './eval-engine';
import { EvalFailedError } from './eval-failed-error';
import { evalProgress, type EvalProgress } from './eval-progress';

/** Another job taken by the evaluation's own `rounds` worker goes back to its queue after this. */
const OTHER_JOB_DELAY_MS = 1000;

export interface EvalRunOptions {
  /** How often progress is read and reported, ms. */
  pollMs: number;
  onProgress(progress: EvalProgress): void;
  /** Stops waiting (the evaluation goes on in the fleet; the same command resumes it). */
  signal?: AbortSignal;
}

/**
 * Drives a started evaluation (EvalEngine.start) to its report through the fleet's workers: a
 * `rounds` worker of its own processes the evaluation's parent job (a run orchestrator of the
 * same run may process it instead: EvalEngine is stateless over the store); every other job it
 * takes (a round, another evaluation) goes straight back to its queue, no attempt spent.
 * Resolves with the report once report.json exists; rejects with EvalFailedError when the parent
 * job failed (too many failed shards).
 */
export async function runEvaluation(
  ctx: FleetContext,
  engine: EvalEngine,
  manifest: EvalManifest,
  options: EvalRunOptions,
): Promise<EvalReport> {
  const { run, round, name } = manifest;
  const parentId = evalJobId(run, round, name);
  const worker = new Worker(
    ROUND_QUEUE,
    async (job: Job, token?: string) => {
      if (job.name !== EVAL_JOB || job.id !== parentId) {
        await job.moveToDelayed(Date.now() + OTHER_JOB_DELAY_MS, token);
        throw new DelayedError();
      }
      return engine.process(job, token);
    },
    {
      connection: ctx.workerConnection('rstar-eval'),
      prefix: ctx.prefix,
      concurrency: 1,
    },
  );
  worker.on('error', () => {});
  try {
    const reportKey = evalFile(run, round, name, 'report.json');
    for (;;) {
      // A Redis blip is not the evaluation's end: the workers wait for Redis, and so does this.
      const progress = await evalProgress(ctx, manifest).catch(() => null);
      if (progress !== null) options.onProgress(progress);
      const text = await readIfExists(ctx.store, reportKey);
      if (text !== null) return parseEvalReport(text.toString('utf8'), { source: reportKey });
      if (progress?.status === 'failed') {
        throw new EvalFailedError(run, round, name, [], progress.error ?? 'evaluation failed');
      }
      if (options.signal?.aborted === true) {
        throw new RstarError('CANCELLED', `stopped waiting for evaluation ${name}`);
      }
      await sleep(options.pollMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    await worker.close();
  }
}
