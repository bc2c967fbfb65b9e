import { UnrecoverableError, type Job } from 'bullmq';
import { planRound, type RunPlan } from '@rstar-fleet/config';
import type { ProblemRecord } from '@rstar-fleet/corpus';
import {
  NotFoundError,
  RoundJobDataSchema,
  RstarError,
  phaseOfShard,
  type RoundManifest,
} from '@rstar-fleet/protocol';
import { roundDir, roundFile, shardInput } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import {
  extractRound,
  failedShardsOf,
  readShardResultsIfAny,
  streamPhaseProblems,
} from './extract-round';
import { ensurePhaseFlow } from './flows';
import { ForeignRoundJobError } from './foreign-round-job-error';
import { runHook } from './hooks/run-hook';
import { reshardRound, toJsonl } from './ingest';
import type { RoundFailedError } from './round-failed-error';
import { RoundInterruptedError } from './round-interrupted-error';
import { awaitChildren } from './children-gate';
import { emptyDatasetGate, failedShardGate } from './round-gate';
import { locateKey } from './locate';
import {
  buildRoundManifest,
  manifestKey,
  readManifest,
  withEscalationPhase,
  writeManifest,
} from './manifest';
import type { RoundEvaluator } from './round-evaluator';
import type { RunStateHolder } from './state-holder';
import type { HookOutcome, RoundState, RoundStatus } from './run-state';
import { snapshotShards } from './status';
import { flowOptions, type CompiledFleetOptions } from './fleet-options';
import type { FleetLogger, FleetObserver } from './types';

export interface RoundEngineDeps {
  ctx: FleetContext;
  plan: RunPlan;
  run: string;
  options: CompiledFleetOptions;
  observer: FleetObserver;
  logger: FleetLogger;
  state: RunStateHolder;
  /** The plan's `evaluate:` of each round's models (does nothing without it). */
  evaluator: RoundEvaluator;
  /** Aborted by close(): a running hook is terminated. */
  signal: AbortSignal;
  /** Called once the last round is done. */
  onRunDone(): void;
}

/**
 * What the orchestrator does between search phases. Every step is idempotent, so a crash
 * anywhere re-runs it safely: files are written whole and atomically, a hook that already
 * succeeded (per run.json) is not run again, and flows are only added when their parent job is
 * not in Redis.
 */
export class RoundEngine {
  /**
   * The latest manifest of each round this engine read or wrote (manifests only gain phases);
   * a read in flight is shared, so progress events waiting on it are reported in order.
   */
  private readonly manifests = new Map<number, Promise<RoundManifest | null>>();

  constructor(private readonly d: RoundEngineDeps) {}

  /** Starts (or resumes) round `round`: manifest, run state, the phase-0 flow. */
  async startRound(round: number): Promise<void> {
    const { ctx, plan, run, state } = this.d;
    let manifest = await this.readManifest(round);
    const resumed = manifest !== null;
    // With `baseline`, the plan's starting models are evaluated before round 1 searches; the
    // evaluation's job completing (evaluated(0)) starts round 1 then.
    if (round === 1 && manifest === null && (await this.d.evaluator.start(0)) === 'waiting') {
      this.d.logger.info({ run, round: 0 }, 'round 1 waits for the baseline evaluation');
      return;
    }
    if (manifest === null) {
      const ingest = state.get().ingest;
      if (ingest === null) throw new RstarError('INTERNAL', 'round started before ingest');
      const phase0 =
        round === 1
          ? { shards: ingest.shards, problems: ingest.problems }
          : await reshardRound(
              ctx.store,
              run,
              ingest.shards,
              round,
              planRound(plan, round).shardSize,
            );
      manifest = buildRoundManifest({
        plan,
        run,
        round,
        previousHooks: this.previousHooks(round),
        phase0,
      });
      await this.writeManifest(manifest);
    }
    const m = manifest;
    await state.update((s) => {
      const r = roundOf(s.rounds, round);
      if (r.status === 'pending') {
        r.status = 'searching';
        r.startedAt = new Date().toISOString();
      }
      r.manifest = manifestKey(run, round);
      for (const p of m.phases) {
        if (!r.phases.some((x) => x.phase === p.phase)) {
          r.phases.push({ phase: p.phase, startedAt: new Date().toISOString(), finishedAt: null });
        }
      }
    });
    await this.ensureCurrentFlow(m, resumed);
  }

  /** Re-establishes the flow of the round's last phase (resume after a stop). */
  async resumeRound(round: number): Promise<void> {
    if (roundOf(this.d.state.get().rounds, round).status === 'evaluating') {
      await this.evaluateRound(round);
      return;
    }
    const manifest = await this.readManifest(round);
    if (manifest === null) {
      await this.startRound(round);
      return;
    }
    await this.ensureCurrentFlow(manifest, true);
  }

  private async ensureCurrentFlow(manifest: RoundManifest, resumed: boolean): Promise<void> {
    const last = manifest.phases.at(-1);
    if (last === undefined) return;
    const outcome = await ensurePhaseFlow(
      this.d.ctx,
      manifest,
      last.phase,
      flowOptions(this.d.options),
    );
    this.d.logger.info(
      { run: this.d.run, round: manifest.round, phase: last.phase, outcome },
      'phase flow',
    );
    this.d.observer.phaseStarted?.({
      round: manifest.round,
      phase: last.phase,
      shards: last.shards,
      problems: last.problems,
      units: last.problems * last.trees,
      resumed: resumed || outcome !== 'added',
    });
  }

  /** The `rounds` processor: a phase's shards are all finished. */
  async process(job: Job, token?: string): Promise<{ round: number; phase: number; next: string }> {
    const data = RoundJobDataSchema.parse(job.data);
    if (data.run !== this.d.run) {
      // Another run's parent (same prefix): not ours to process; let its orchestrator do it.
      throw new ForeignRoundJobError(data.run, this.d.run);
    }
    const { round, phase } = data;
    const manifest = await this.readManifest(round);
    if (manifest === null) throw new UnrecoverableError(`round ${round} has no manifest`);
    const rs = roundOf(this.d.state.get().rounds, round);
    if (rs.status === 'done') return { round, phase, next: 'already-done' };
    // A crash after the round's evaluation was asked for: its `eval` job goes on from there.
    if (rs.status === 'evaluating') return { round, phase, next: await this.evaluateRound(round) };
    const last = manifest.phases.at(-1);
    if (last !== undefined && phase < last.phase) {
      // A crash after the next phase was planned: make sure its flow exists.
      await this.ensureCurrentFlow(manifest, true);
      return { round, phase, next: `phase-${last.phase}` };
    }
    await this.checkShards(job, token, manifest);
    await this.d.state.update((s) => {
      const p = roundOf(s.rounds, round).phases.find((x) => x.phase === phase);
      if (p !== undefined && p.finishedAt === null) p.finishedAt = new Date().toISOString();
    });
    if (rs.status === 'searching' || rs.status === 'escalating') {
      const escalated = await this.escalate(manifest, phase);
      if (escalated) return { round, phase, next: `phase-${phase + 1}` };
    }
    return { round, phase, next: await this.completeRound(manifest) };
  }

  /**
   * The plan's `evaluate:` of round `round`'s models (those its deploy hook just deployed), then
   * the round's end. Sequential on purpose: the next round's deploy hook replaces the servers,
   * so this round's evaluation must finish while they still serve this round's models; the next
   * round starts only once its report is written (evaluated()). Returns what comes next.
   */
  private async evaluateRound(round: number): Promise<string> {
    if (this.d.evaluator.wanted(round)) {
      if (roundOf(this.d.state.get().rounds, round).status !== 'evaluating') {
        await this.setStatus(round, 'evaluating');
      }
      if ((await this.d.evaluator.start(round)) === 'waiting') return 'evaluating';
    }
    return this.finishRound(round);
  }

  /**
   * The plan's evaluation of round `round`'s models reported (its `eval` job is done): round 0
   * starts round 1; round r ≥ 1 ends (and the next round starts). Another call for the same
   * evaluation (a re-run job, a resume that found the report) does nothing.
   */
  async evaluated(round: number): Promise<void> {
    const next = roundOf(this.d.state.get().rounds, Math.max(1, round));
    if (round === 0 ? next.status !== 'pending' : next.status !== 'evaluating') return;
    await this.d.evaluator.record(round);
    if (round === 0) await this.startRound(1);
    else await this.finishRound(round);
  }

  /**
   * Plans escalation phase `phase + 1` when the round has a budget left and problems are still
   * unsolved: their shard files (indices after the previous phase's), the manifest's new phase
   * (withEscalationPhase), then its flow. False when there is nothing to do.
   */
  private async escalate(manifest: RoundManifest, phase: number): Promise<boolean> {
    if (manifest.search.escalation[phase] === undefined) return false;
    const { ctx, run } = this.d;
    const solved = new Set<string>();
    for (const p of manifest.phases) {
      for (let s = p.firstShard; s < p.firstShard + p.shards; s++) {
        for await (const record of readShardResultsIfAny(ctx.store, run, manifest.round, s)) {
          if (record.stats.solved) solved.add(record.problemId);
        }
      }
    }
    // Unsolved problems stream into escalation shards one shard at a time (bounded memory).
    const prev = manifest.phases.at(-1);
    const firstShard = prev === undefined ? 0 : prev.firstShard + prev.shards;
    const size = manifest.shards.size;
    let shards = 0;
    let unsolvedCount = 0;
    let chunk: ProblemRecord[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      await ctx.store.write(shardInput(run, manifest.round, firstShard + shards++), toJsonl(chunk));
      chunk = [];
    };
    for await (const p of streamPhaseProblems(ctx.store, manifest, 0)) {
      if (solved.has(p.id)) continue;
      unsolvedCount++;
      chunk.push(p);
      if (chunk.length >= size) await flush();
    }
    await flush();
    if (unsolvedCount === 0) return false;
    const next = withEscalationPhase(manifest, phase + 1, {
      firstShard,
      shards,
      problems: unsolvedCount,
    });
    await this.writeManifest(next);
    await this.setStatus(manifest.round, 'escalating', (r) => {
      r.phases.push({ phase: phase + 1, startedAt: new Date().toISOString(), finishedAt: null });
    });
    this.d.logger.info(
      {
        run,
        round: manifest.round,
        phase: phase + 1,
        unsolved: unsolvedCount,
        rollouts: next.phases.at(-1)?.rollouts,
      },
      'escalating unsolved problems',
    );
    await this.ensureCurrentFlow(next, false);
    return true;
  }

  /** Datasets and stats, train hook, deploy hook, evaluation, next round (or the run's end). */
  private async completeRound(manifest: RoundManifest): Promise<string> {
    const { ctx, run, plan } = this.d;
    const round = manifest.round;
    const failures = await failedShardsOf(ctx, manifest);
    await this.setStatus(round, 'extracting', (r) => {
      r.failedShards = failures;
    });
    const startedAt = roundOf(this.d.state.get().rounds, round).startedAt;
    const stats = await extractRound(ctx, run, round, { failures, startedAt });
    const roundPlan = planRound(plan, round);
    const train = roundPlan.hooks.train;
    const trained = roundOf(this.d.state.get().rounds, round).hooks.train?.status === 'succeeded';
    const empty = train === null || trained ? null : emptyDatasetGate(plan, round, stats);
    await this.d.state.update((s) => {
      roundOf(s.rounds, round).summary = {
        problems: stats.problems,
        solved: stats.solved,
        sftRows: stats.sftRows,
        pairs: stats.pairs,
      };
    });
    this.d.logger.info(
      { run, round, solved: stats.solved, problems: stats.problems, failedShards: failures.length },
      'round extracted',
    );
    if (empty !== null) await this.failRun(empty);
    const vars = {
      run,
      round: String(round),
      sft: locateKey(ctx.store, roundFile(run, round, 'sft.jsonl')),
      pairs: locateKey(ctx.store, roundFile(run, round, 'ppm_pairs.jsonl')),
      out: locateKey(ctx.store, roundDir(run, round)),
      ...(round > 1 ? { prev_out: locateKey(ctx.store, roundDir(run, round - 1)) } : {}),
    };
    for (const kind of ['train', 'deploy'] as const) {
      const hook = roundPlan.hooks[kind];
      if (hook === null) continue;
      if (roundOf(this.d.state.get().rounds, round).hooks[kind]?.status === 'succeeded') continue;
      await this.setStatus(round, kind === 'train' ? 'training' : 'deploying');
      const outcome = await runHook(hook, vars, {
        ...(this.d.options.cliScript === undefined ? {} : { cliScript: this.d.options.cliScript }),
        ...(this.d.options.hookEnv === undefined ? {} : { env: this.d.options.hookEnv }),
        ...(this.d.options.kube === undefined ? {} : { kube: this.d.options.kube }),
        signal: this.d.signal,
      });
      if (this.d.signal.aborted) {
        // Stopped by close(): not the hook's fault. The round job comes back on the next start.
        throw new RoundInterruptedError(`round ${round} ${kind} hook`);
      }
      await this.d.state.update((s) => {
        roundOf(s.rounds, round).hooks[kind] = outcome;
      });
      this.d.observer.hookDone?.({ round, hook: kind, outcome });
      this.d.logger.info(
        {
          run,
          round,
          hook: kind,
          status: outcome.status,
          ms: outcome.durationMs,
          error: outcome.error,
        },
        'hook finished',
      );
      if (outcome.status !== 'succeeded') {
        const why = `round ${round} ${kind} hook ${outcome.status}: ${outcome.error ?? ''}`;
        // No automatic retry: a hook failure is for an operator; `rstar-fleet run` again retries.
        throw new UnrecoverableError(why);
      }
    }
    // Observers hear of this round's data and hooks before its evaluation and the next round.
    this.d.observer.roundDone?.({
      round,
      stats,
      hooks: { ...roundOf(this.d.state.get().rounds, round).hooks },
    });
    return this.evaluateRound(round);
  }

  /**
   * The round's end: the next round started, then this one `done`. The state says `done` only
   * after the next round is started, so a retried job (a Redis blip in startRound) starts it
   * again instead of finding this round done and stopping there.
   */
  private async finishRound(round: number): Promise<string> {
    const { plan } = this.d;
    if (round < plan.rounds.length) await this.startRound(round + 1);
    const final = round >= plan.rounds.length;
    await this.d.state.update((s) => {
      const r = roundOf(s.rounds, round);
      r.status = 'done';
      r.finishedAt = new Date().toISOString();
      if (final) {
        s.status = 'done';
        s.finishedAt = new Date().toISOString();
        s.error = null;
      }
    });
    this.d.observer.roundStatus?.(round, 'done');
    if (final) this.d.onRunDone();
    return final ? 'run-done' : `round-${round + 1}`;
  }

  /**
   * A phase's shards are all finished: the round may go on only when none is still running
   * (shards requeued while the round job was failed), and when its failed share is within the
   * plan's `maxFailedShardShare`; otherwise the run stops here, before escalation and training.
   */
  private async checkShards(
    job: Job,
    token: string | undefined,
    manifest: RoundManifest,
  ): Promise<void> {
    const snaps = await awaitChildren(
      job,
      token,
      () => snapshotShards(this.d.ctx, manifest),
      (pending) =>
        this.d.logger.info(
          { run: this.d.run, round: manifest.round, pending: pending.map((s) => s.shard) },
          'round waits for requeued shards',
        ),
    );
    const failed = failedShardGate(manifest.round, snaps, manifest.shards.maxFailedShare);
    if (failed !== null) {
      await this.d.state.update((s) => {
        roundOf(s.rounds, manifest.round).failedShards = [...failed.failedShards];
      });
      await this.failRun(failed);
    }
  }

  /**
   * Stops the run: run.json says `failed` with the reason, and the round job fails without
   * retries (its cause is the typed error the orchestrator rejects `done` with). Running
   * `rstar-fleet run` again retries the round job.
   */
  private async failRun(err: RoundFailedError): Promise<never> {
    await this.d.state.update((s) => {
      s.status = 'failed';
      s.error = err.message;
    });
    this.d.logger.error(
      { run: this.d.run, round: err.round, kind: err.kind, err: err.message },
      'round failed; the run stops',
    );
    throw Object.assign(new UnrecoverableError(err.message), { cause: err });
  }

  /** What the previous round's hooks reported (train, then deploy); none for round 1. */
  private previousHooks(round: number): (HookOutcome | null)[] {
    if (round === 1) return [];
    const prev = roundOf(this.d.state.get().rounds, round - 1);
    return [prev.hooks.train, prev.hooks.deploy];
  }

  /**
   * The phase shard `shard` of round `round` belongs to, from the round's manifest (read once,
   * then as this engine writes it); null when no manifest or phase holds it.
   */
  async phaseOf(round: number, shard: number): Promise<number | null> {
    let manifest = await (this.manifests.get(round) ?? this.readManifest(round));
    if (manifest !== null && phaseOfShard(manifest, shard) === null) {
      manifest = await this.readManifest(round);
    }
    return manifest === null ? null : (phaseOfShard(manifest, shard)?.phase ?? null);
  }

  private readManifest(round: number): Promise<RoundManifest | null> {
    const reading = readManifest(this.d.ctx.store, this.d.run, round);
    this.manifests.set(round, reading);
    // A failed read (store hiccup) must not stick: the next lookup reads again.
    reading.catch(() => {
      if (this.manifests.get(round) === reading) this.manifests.delete(round);
    });
    return reading;
  }

  private async writeManifest(manifest: RoundManifest): Promise<void> {
    await writeManifest(this.d.ctx.store, manifest);
    this.manifests.set(manifest.round, Promise.resolve(manifest));
  }

  private async setStatus(
    round: number,
    status: RoundStatus,
    also: (r: RoundState) => void = () => {},
  ): Promise<void> {
    await this.d.state.update((s) => {
      const r = roundOf(s.rounds, round);
      r.status = status;
      also(r);
    });
    this.d.observer.roundStatus?.(round, status);
  }
}

export function roundOf(rounds: RoundState[], round: number): RoundState {
  const r = rounds.find((x) => x.round === round);
  if (r === undefined) throw new NotFoundError(`no round ${round} in the run state`);
  return r;
}
