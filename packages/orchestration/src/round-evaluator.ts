import { planRound, type RunPlan } from '@rstar-fleet/config';
import { RstarError } from '@rstar-fleet/protocol';
import { evalFile } from '@rstar-fleet/store';
import { addToRoundStats } from './round-stats-evaluation';
import type { FleetContext } from './context';
import type { EvalEngine } from './eval-engine';
import { EVAL_NAMES } from './eval-manifest';
import type { EvalSourceOptions } from './eval-sources';
import { readEvalReportIfAny, writeEvalTable } from './eval-table-files';
import type { RoundEval } from './run-state';
import type { RunStateHolder } from './state-holder';
import type { FleetLogger } from './types';

/** The name of the plan's evaluations: `runs/<run>/round-<r>/eval/plan/`. */
export const PLAN_EVAL_NAME = EVAL_NAMES.plan;

/** `done`: nothing to wait for (not asked, skipped, or reported); `waiting`: its flow runs. */
export type EvalGate = 'done' | 'waiting';

export interface RoundEvaluatorDeps {
  ctx: FleetContext;
  plan: RunPlan;
  run: string;
  state: RunStateHolder;
  engine: EvalEngine;
  /** Where the plan's named benchmarks are read from (the host's; required with `evaluate:`). */
  read: EvalSourceOptions | null;
  logger: FleetLogger;
}

/**
 * The plan's `evaluate:` for one round's models (0: the plan's starting models, with
 * `baseline`), through EvalEngine, recorded in run.json (`evaluations`) and in the run's round
 * table (eval-table-files.ts). Idempotent like the rest of the round machinery: `start` finds an
 * evaluation by its manifest and report (EvalEngine never starts one twice), and `record` may run
 * again after a crash; run.json says `reported` only after the table is written.
 *
 * A round without a deploy hook is skipped, with its reason in run.json: the fleet does not know
 * which servers serve that round's models (the next round's are whatever the plan names).
 */
export class RoundEvaluator {
  constructor(private readonly d: RoundEvaluatorDeps) {}

  /** Whether the plan evaluates round `round`'s models at all. */
  wanted(round: number): boolean {
    const settings = this.d.plan.evaluate;
    return settings !== null && (round > 0 || settings.baseline);
  }

  /** Starts (or resumes) the evaluation of round `round`'s models; see EvalGate. */
  async start(round: number): Promise<EvalGate> {
    const { plan, run, logger } = this.d;
    const settings = plan.evaluate;
    if (settings === null || !this.wanted(round)) return 'done';
    const entry = this.entry(round);
    if (entry?.status === 'reported' || entry?.status === 'skipped') return 'done';
    if (round > 0 && planRound(plan, round).hooks.deploy === null) {
      const note =
        `round ${round} has no deploy hook: no server is known to serve its models, so the ` +
        'plan does not evaluate them (`rstar-fleet eval --policy URL` can)';
      logger.warn({ run, round, evaluation: PLAN_EVAL_NAME }, note);
      await this.put({ ...this.blank(round), status: 'skipped', note });
      return 'done';
    }
    if (this.d.read === null) {
      throw new RstarError(
        'FAILED_PRECONDITION',
        'the plan has evaluate: but the host gave no benchmark location (FleetOptions.evalSources)',
      );
    }
    if (entry === undefined) await this.put(this.blank(round));
    const started = await this.d.engine.start({
      plan,
      run,
      state: this.d.state.get(),
      request: { name: PLAN_EVAL_NAME, round, settings },
      read: this.d.read,
    });
    for (const s of started.skipped) {
      logger.warn({ run, round, benchmark: s.benchmark, where: s.where }, s.message);
    }
    if (started.flow !== 'reported') return 'waiting';
    await this.record(round);
    return 'done';
  }

  /** Its report is written: the run's round table rewritten, then run.json's summary. */
  async record(round: number): Promise<void> {
    const { ctx, run } = this.d;
    const key = (r: number): string => evalFile(run, r, PLAN_EVAL_NAME, 'report.json');
    const reports = [];
    const rounds = (this.d.state.get().evaluations ?? [])
      .filter((e) => e.status === 'reported' && e.round !== round)
      .map((e) => e.round);
    for (const r of [...rounds, round]) {
      const report = await readEvalReportIfAny(ctx.store, key(r));
      if (report === null) {
        throw new RstarError('INTERNAL', `the plan's evaluation of round ${r} has no report`);
      }
      reports.push(report);
    }
    const report = reports[reports.length - 1];
    await writeEvalTable(ctx.store, run, reports);
    const accuracy = (report?.benchmarks ?? []).flatMap((b) =>
      b.modes.map((m) => ({
        benchmark: b.name,
        mode: m.mode,
        value: m.accuracy?.value ?? null,
        low: m.accuracy?.low ?? null,
        high: m.accuracy?.high ?? null,
      })),
    );
    if (round > 0) await addToRoundStats(ctx.store, run, round, { report: key(round), accuracy });
    await this.put({ ...this.blank(round), status: 'reported', report: key(round), accuracy });
    this.d.logger.info({ run, round, evaluation: PLAN_EVAL_NAME }, 'round evaluation recorded');
  }

  private entry(round: number): RoundEval | undefined {
    return this.d.state.get().evaluations?.find((e) => e.round === round);
  }

  private blank(round: number): RoundEval {
    return {
      round,
      evaluation: PLAN_EVAL_NAME,
      status: 'evaluating',
      report: null,
      note: null,
      accuracy: [],
    };
  }

  private async put(entry: RoundEval): Promise<void> {
    await this.d.state.update((s) => {
      const rest = (s.evaluations ?? []).filter((e) => e.round !== entry.round);
      s.evaluations = [...rest, entry].sort((a, b) => a.round - b.round);
    });
  }
}
