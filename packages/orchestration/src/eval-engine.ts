import { UnrecoverableError, type Job } from 'bullmq';
import type { RunPlan } from '@rstar-fleet/config';
import {
  EvalJobDataSchema,
  evalJobId,
  type EvalJobData,
  type EvalManifest,
} from '@rstar-fleet/protocol';
import { evalFile } from '@rstar-fleet/store';
import { awaitChildren } from './children-gate';
import type { FleetContext } from './context';
import { EvalFailedError } from './eval-failed-error';
import { readEvalBenchmark, writeEvalShards, type SkippedRow } from './eval-ingest';
import {
  EVAL_NAMES,
  buildEvalManifest,
  evalManifestDiff,
  readEvalManifest,
  writeEvalManifest,
  type EvalRequest,
} from './eval-manifest';
import { EvalConflictError } from './eval-conflict-error';
import { evalSources, type EvalSourceOptions } from './eval-sources';
import { snapshotEvalShards } from './eval-progress';
import { reportAccuracy, writeEvalReport } from './eval-report-files';
import { readEvalResults } from './eval-results';
import { ensureEvalFlow, type FlowOptions, type FlowOutcome } from './flows';
import { requeue } from './requeue';
import { failedShareOver } from './round-gate';
import type { RunState } from './run-state';
import type { FleetLogger, FleetObserver } from './types';

export interface EvalEngineDeps {
  ctx: FleetContext;
  flow: FlowOptions;
  logger: FleetLogger;
  observer: FleetObserver;
}

/** What to evaluate: the request (the `eval` command's flags, or a plan's `evaluate:`). */
export interface EvalStartInput {
  plan: RunPlan;
  run: string;
  /** The run's state (whose models: see testTimeModels); null when the run has none. */
  state: RunState | null;
  request: EvalRequest;
  /** Where the request's named benchmarks are read from. */
  read: EvalSourceOptions;
  /**
   * Called with the resolved manifest before anything is written or enqueued (the eval command
   * probes the servers here, so an unreachable one stops it in seconds, naming it).
   */
  probe?: (manifest: EvalManifest) => Promise<void>;
}

export interface EvalStarted {
  manifest: EvalManifest;
  /** False when the same evaluation existed (it resumes; nothing was rewritten). */
  created: boolean;
  /** What became of its flow; `reported` when its report exists (nothing to do). */
  flow: FlowOutcome | 'reported';
  /** Benchmark rows left out, with file:line (also in the evaluation's skipped.jsonl). */
  skipped: SkippedRow[];
}

export interface EvalJobOutcome {
  evaluation: string;
  round: number;
  report: 'written' | 'present';
  records: number;
}

/**
 * Evaluations through the fleet, stateless over the store (so a run's orchestrator and the
 * `eval` command can both process an evaluation's parent job): `start` resolves an evaluation,
 * writes its shards and manifest once and makes sure its flow exists; `process` (the `rounds`
 * processor for `eval` jobs) writes the report once every shard is done. Every step is
 * idempotent: the manifest is written once (the same request resumes it, another is refused),
 * results logs are keyed by eval run, and report.json is written last, so its presence means done.
 *
 * A round asks for its evaluation after its deploy hook with one call:
 *   await evalEngine.start({ plan, run, state, request: { round, settings: plan.evaluate }, read })
 */
export class EvalEngine {
  constructor(private readonly d: EvalEngineDeps) {}

  async start(input: EvalStartInput): Promise<EvalStarted> {
    const { ctx } = this.d;
    const { settings } = input.request;
    const reads = [];
    for (const source of evalSources(settings.benchmarks, input.read)) {
      reads.push(await readEvalBenchmark(source, { sample: settings.sample, seed: settings.seed }));
    }
    const skipped = reads.flatMap((r) => r.skipped);
    const manifest = buildEvalManifest({
      plan: input.plan,
      run: input.run,
      state: input.state,
      request: input.request,
      benchmarks: reads.map((r) => r.input),
    });
    const { run, round, name } = manifest;
    await input.probe?.(manifest);
    const stored = await readEvalManifest(ctx.store, run, round, name);
    if (stored !== null) {
      const diff = evalManifestDiff(stored, manifest);
      if (diff.length > 0) throw new EvalConflictError(stored, manifest, diff);
    } else {
      // Shards first: a manifest in the store means its shards are all there.
      await writeEvalShards(ctx.store, manifest, reads);
      await writeEvalManifest(ctx.store, manifest);
    }
    const started = { manifest, created: stored === null, skipped };
    if (await ctx.store.exists(evalFile(run, round, name, 'report.json'))) {
      return { ...started, flow: 'reported' };
    }
    // A failed evaluation started again: its failed shards first, then (ensureEvalFlow) its
    // parent, so the parent never runs again before they are back.
    const parent = await ctx.rounds.getJob(evalJobId(run, round, name));
    if (parent !== undefined && (await parent.getState()) === 'failed') {
      await this.retryFailedShards(manifest);
    }
    const flow = await ensureEvalFlow(ctx, manifest, this.d.flow);
    this.d.logger.info({ run, round, evaluation: name, flow }, 'evaluation flow');
    return { ...started, flow };
  }

  /** The `rounds` processor for an `eval` job: its shards are all finished. */
  async process(job: Job, token?: string): Promise<EvalJobOutcome> {
    const data: EvalJobData = EvalJobDataSchema.parse(job.data);
    const { ctx, logger } = this.d;
    const { run, round, evaluation } = data;
    const outcome = { evaluation, round };
    const reportKey = evalFile(run, round, evaluation, 'report.json');
    if (await ctx.store.exists(reportKey)) return { ...outcome, report: 'present', records: 0 };
    const manifest = await readEvalManifest(ctx.store, run, round, evaluation);
    if (manifest === null) {
      throw new UnrecoverableError(`evaluation ${evaluation} of round ${round} has no manifest`);
    }
    const snaps = await awaitChildren(
      job,
      token,
      () => snapshotEvalShards(ctx, manifest),
      (pending) =>
        logger.info(
          { run, round, evaluation, pending: pending.map((s) => s.shard) },
          'evaluation waits for requeued shards',
        ),
    );
    const over = failedShareOver(snaps, manifest.shards.maxFailedShare);
    if (over !== null) {
      const err = new EvalFailedError(
        run,
        round,
        evaluation,
        over.shards,
        `evaluation ${evaluation} of round ${round}: ${over.failed} of ${over.of} eval shard(s) ` +
          `failed for good (maxFailedShare ${manifest.shards.maxFailedShare}); no report written. ` +
          `${over.listed}. Fix the cause, then ${
            evaluation === EVAL_NAMES.plan
              ? "run the same `rstar-fleet run` again (the plan's evaluate:)"
              : 'run the same `rstar-fleet eval` again'
          }`,
      );
      logger.error({ run, round, evaluation, err: err.message }, 'evaluation failed');
      throw Object.assign(new UnrecoverableError(err.message), { cause: err });
    }
    const records = await readEvalResults(ctx.store, manifest);
    const report = await writeEvalReport(ctx.store, manifest, records);
    logger.info({ run, round, evaluation, records: records.length }, 'evaluation reported');
    this.d.observer.evalReported?.({ run, round, evaluation, accuracy: reportAccuracy(report) });
    return { ...outcome, report: 'written', records: records.length };
  }

  /**
   * A failed evaluation started again: its failed shards search again (what is missing only), as
   * `rstar-fleet requeue --failed --eval NAME` would retry them.
   */
  private async retryFailedShards(manifest: EvalManifest): Promise<void> {
    const { run, round, name } = manifest;
    await requeue(this.d.ctx, run, { kind: 'failed' }, { round, evaluation: name });
  }
}
