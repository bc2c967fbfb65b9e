import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type {
  FleetObserver,
  OrchestratorHandle,
  QueueJobCounts,
  RunStatus,
} from '@rstar-fleet/orchestration';
import { cachedRead, createRegistry } from '@rstar-fleet/telemetry';

export interface OrchestratorMetricsOptions {
  /**
   * How long one read of Redis and the run state serves scrapes. The orchestrator alone reads
   * queue depth (N workers do not), and at most once per period. Default 5 000 ms.
   */
  cacheMs?: number;
}

/** Hook durations: a train hook takes hours, a deploy hook seconds to minutes. */
const HOOK_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600];

const HOOKS = ['train', 'deploy'] as const;
const HOOK_OUTCOMES = ['succeeded', 'failed', 'timeout'] as const;

/**
 * The orchestrator's registry: point-in-time gauges read on scrape (through a short cache) from
 * the run status and BullMQ's job counts, and the events the run reports (hooks, failed shards).
 * Labels are small enums and the round number; never a job, shard or problem id. The run id is
 * only in `rstar_run_info` (one series per process).
 */
export class OrchestratorMetrics {
  readonly registry: Registry;
  readonly observer: FleetObserver;
  private readonly hookSeconds: Histogram<'hook' | 'outcome'>;
  private readonly hooks: Counter<'hook' | 'outcome'>;
  private readonly shardsFailed: Counter;

  constructor(private readonly options: OrchestratorMetricsOptions = {}) {
    this.registry = createRegistry('orchestrator');
    const registers = [this.registry];
    this.hookSeconds = new Histogram({
      name: 'rstar_hook_duration_seconds',
      help: 'Wall time of train and deploy hooks by outcome',
      labelNames: ['hook', 'outcome'] as const,
      buckets: HOOK_BUCKETS,
      registers,
    });
    this.hooks = new Counter({
      name: 'rstar_hooks_total',
      help: 'Train and deploy hooks run, by outcome',
      labelNames: ['hook', 'outcome'] as const,
      registers,
    });
    for (const hook of HOOKS) {
      for (const outcome of HOOK_OUTCOMES) this.hooks.labels(hook, outcome).inc(0);
    }
    this.shardsFailed = new Counter({
      name: 'rstar_shards_failed_total',
      help: 'Shard jobs of this run moved to failed (attempts spent or poison); see status for reasons',
      registers,
    });
    this.observer = {
      hookDone: (e) => {
        this.hookSeconds.labels(e.hook, e.outcome.status).observe(e.outcome.durationMs / 1000);
        this.hooks.labels(e.hook, e.outcome.status).inc();
      },
      shardFailed: () => this.shardsFailed.inc(),
    };
  }

  /** Adds the gauges read (on scrape, cached) from the running orchestrator. Once. */
  attach(orch: OrchestratorHandle): void {
    const registers = [this.registry];
    const ttl = this.options.cacheMs ?? 5_000;
    const status = cachedRead(() => orch.status(), ttl);
    const counts = cachedRead(() => orch.queueCounts(), ttl);
    // A failed read (Redis away) leaves the last values and counts here, so gaps are visible.
    const readErrors = new Counter({
      name: 'rstar_orchestrator_scrape_errors_total',
      help: 'Scrapes whose run status or queue counts could not be read (Redis or store away)',
      registers,
    });
    const read = async <T>(fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch {
        readErrors.inc();
        return null;
      }
    };

    new Gauge({
      name: 'rstar_run_info',
      help: 'The run this orchestrator drives (value 1; the run id as a label, one series)',
      labelNames: ['run'] as const,
      registers,
    }).set({ run: orch.run }, 1);

    const withStatus = (
      apply: (g: Gauge<'round'>, s: RunStatus) => void,
    ): ((this: Gauge<'round'>) => Promise<void>) =>
      async function (this: Gauge<'round'>) {
        const s = await read(status);
        if (s !== null) apply(this, s);
      };
    const roundGauge = (
      name: string,
      help: string,
      apply: (g: Gauge<'round'>, s: RunStatus) => void,
    ): void => {
      new Gauge({
        name,
        help,
        labelNames: ['round'] as const,
        registers,
        collect: withStatus(apply),
      });
    };
    // Finished rounds from the history, the current one live.
    const perRound = (
      s: RunStatus,
      g: Gauge<'round'>,
      done: (h: RunStatus['history'][number]) => number | null,
      current: number | null,
    ): void => {
      for (const h of s.history) {
        if (h.round === s.round && current !== null) g.set({ round: String(h.round) }, current);
        else {
          const v = done(h);
          if (v !== null) g.set({ round: String(h.round) }, v);
        }
      }
    };
    roundGauge('rstar_round_problems', 'Problems of the round (phase 0)', (g, s) =>
      perRound(s, g, (h) => h.problems, s.problems.total),
    );
    roundGauge(
      'rstar_round_problems_done',
      'Problems of the round whose search is finished (current phase; all of a finished round)',
      (g, s) => perRound(s, g, (h) => h.problems, s.problems.done),
    );
    roundGauge(
      'rstar_round_problems_solved',
      'Problems of the round with a correct answer in some search unit',
      (g, s) => perRound(s, g, (h) => h.solved, s.problems.solved),
    );
    roundGauge(
      'rstar_round_progress_ratio',
      "Search units finished / total in the round's current phase (0-1; 1 once searched)",
      (g, s) => {
        const current =
          s.units.total > 0 ? Math.min(1, s.units.done / s.units.total) : s.round === null ? 0 : 0;
        perRound(
          s,
          g,
          (h) => (h.status === 'done' ? 1 : h.status === 'pending' ? 0 : null),
          current,
        );
      },
    );
    roundGauge(
      'rstar_round_eta_seconds',
      "Seconds until the current phase's search ends at the current rate (absent while unknown)",
      (g, s) => {
        g.reset();
        if (s.round !== null && s.etaSeconds !== null)
          g.set({ round: String(s.round) }, s.etaSeconds);
      },
    );
    roundGauge(
      'rstar_round_phase',
      'Search phase of the current round (0; escalation phases after it)',
      (g, s) => {
        g.reset();
        if (s.round !== null && s.phase !== null) g.set({ round: String(s.round) }, s.phase);
      },
    );
    new Gauge({
      name: 'rstar_run_round',
      help: 'Round in progress (the last one once the run is done; 0 before ingest ends)',
      registers,
      collect: async function (this: Gauge) {
        const s = await read(status);
        if (s !== null) this.set(s.round ?? 0);
      },
    });
    new Gauge({
      name: 'rstar_run_rounds',
      help: 'Rounds in the plan',
      registers,
      collect: async function (this: Gauge) {
        const s = await read(status);
        if (s !== null) this.set(s.rounds);
      },
    });
    new Gauge({
      name: 'rstar_run_done',
      help: '1 once every round of the run is done',
      registers,
      collect: async function (this: Gauge) {
        const s = await read(status);
        if (s !== null) this.set(s.status === 'done' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'rstar_round_shards',
      help: 'Shard jobs of the current round by state (missing: not in Redis)',
      labelNames: ['state'] as const,
      registers,
      collect: async function (this: Gauge<'state'>) {
        const s = await read(status);
        if (s === null) return;
        for (const [state, n] of Object.entries(s.shards)) {
          if (state !== 'total') this.set({ state }, n);
        }
      },
    });
    new Gauge({
      name: 'rstar_ingest_rejected_records',
      help: 'Corpus records rejected at ingest (reasons in status and stats)',
      registers,
      collect: async function (this: Gauge) {
        const s = await read(status);
        if (s !== null) this.set(s.rejects.total);
      },
    });
    // Evaluations (`rstar-fleet eval`): progress while they run, accuracy once reported.
    const evalGauge = (
      name: string,
      help: string,
      value: (e: RunStatus['evaluations'][number]) => number | null,
    ): void => {
      new Gauge({
        name,
        help,
        labelNames: ['round', 'evaluation'] as const,
        registers,
        collect: async function (this: Gauge<'round' | 'evaluation'>) {
          const s = await read(status);
          if (s === null) return;
          this.reset();
          for (const e of s.evaluations) {
            const v = value(e);
            if (v !== null) this.set({ round: String(e.round), evaluation: e.evaluation }, v);
          }
        },
      });
    };
    evalGauge(
      'rstar_eval_progress_ratio',
      'Eval runs finished / asked for, per evaluation of a round (0-1)',
      (e) => (e.units.total > 0 ? Math.min(1, e.units.done / e.units.total) : null),
    );
    evalGauge(
      'rstar_eval_eta_seconds',
      'Seconds until an evaluation has every run at its rate so far (absent while unknown)',
      (e) => e.etaSeconds,
    );
    new Gauge({
      name: 'rstar_eval_accuracy',
      help: "Accuracy of a round's models on a benchmark under a test-time mode (its report; 0-1)",
      labelNames: ['benchmark', 'round', 'mode'] as const,
      registers,
      collect: async function (this: Gauge<'benchmark' | 'round' | 'mode'>) {
        const s = await read(status);
        if (s === null) return;
        this.reset();
        // Several evaluations of one round and benchmark: the last listed (by name) is shown.
        for (const e of s.evaluations) {
          for (const a of e.accuracy ?? []) {
            if (a.accuracy === null) continue;
            this.set({ benchmark: a.benchmark, round: String(e.round), mode: a.mode }, a.accuracy);
          }
        }
      },
    });
    new Gauge({
      name: 'rstar_queue_jobs',
      help: 'BullMQ jobs by queue and state (all runs on the prefix; read by the orchestrator only)',
      labelNames: ['queue', 'state'] as const,
      registers,
      collect: async function (this: Gauge<'queue' | 'state'>) {
        const c: Record<string, QueueJobCounts> | null = await read(counts);
        if (c === null) return;
        for (const [queue, byState] of Object.entries(c)) {
          for (const [state, n] of Object.entries(byState)) this.set({ queue, state }, n);
        }
      },
    });
  }
}

/** Calls every observer's callback in turn (the progress display and the metrics). */
export function combineObservers(...observers: FleetObserver[]): FleetObserver {
  const combined: Record<string, (...args: unknown[]) => void> = {};
  for (const key of new Set(observers.flatMap((o) => Object.keys(o)))) {
    combined[key] = (...args: unknown[]) => {
      for (const o of observers) {
        const fn = (o as Record<string, unknown>)[key];
        if (typeof fn === 'function') (fn as (...a: unknown[]) => void).apply(o, args);
      }
    };
  }
  return combined;
}
