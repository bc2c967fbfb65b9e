import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, exponentialBuckets, type Registry } from 'prom-client';
import {
  ROLLOUT_COUNTERS,
  TERMINAL_OUTCOMES,
  type PortsObserver,
  type RolloutCounter,
  type RolloutStats,
} from '@rstar-fleet/rollout';
import { TEST_TIME_MODES, type DependencyHealth } from '@rstar-fleet/protocol';
import { createRegistry } from '@rstar-fleet/telemetry';

/**
 * Prometheus names of the rollout counters (DESIGN §6: rstar_ prefix, _total, no ids). Problems
 * searched/solved are exported by round instead (see below).
 */
const COUNTER_NAMES: Partial<Record<RolloutCounter, [string, string]>> = {
  rollouts: ['rstar_rollouts_total', 'MCTS rollouts of written search units'],
  expansions: ['rstar_expansions_total', 'Node expansions (policy calls) of written units'],
  executions: ['rstar_worker_executions_total', 'Sandbox executions of written units'],
  promptTokens: ['rstar_worker_prompt_tokens_total', 'Prompt tokens of written units'],
  completionTokens: ['rstar_worker_completion_tokens_total', 'Completion tokens of written units'],
  ppmCalls: ['rstar_worker_ppm_calls_total', 'PPM scoring calls of written units'],
  unitsWritten: ['rstar_worker_units_written_total', 'Search units (problem x tree) written'],
  unitsSkipped: ['rstar_worker_units_skipped_total', 'Search units found already written'],
  unitsSolved: ['rstar_worker_units_solved_total', 'Written search units with a correct answer'],
  outageRetries: [
    'rstar_worker_outage_retries_total',
    'Policy, PPM and sandbox calls (or, rarely, whole units) sent again after a dependency outage',
  ],
  unitRestarts: [
    'rstar_worker_unit_restarts_total',
    'Search units searched again from the root after an outage no call retry covered',
  ],
  shardsCompleted: ['rstar_worker_shards_completed_total', 'Shard jobs completed'],
  shardsFailed: ['rstar_worker_shards_failed_total', 'Shard jobs failed'],
  shardsCancelled: [
    'rstar_worker_shards_cancelled_total',
    'Shard jobs cancelled (shutdown, lost lock)',
  ],
};

/**
 * The worker's registry: default process metrics, the rollout counters (read from RolloutStats
 * at scrape time), job gauges and durations, and the event-loop delay that decides whether
 * BullMQ locks survive the search (they are renewed from a timer on this loop).
 */
export class WorkerMetrics {
  readonly registry: Registry;
  readonly eventLoop: IntervalHistogram;
  readonly jobSeconds: Histogram<'outcome'>;
  readonly activeJobs: Gauge;
  readonly lockRenewalFailures: Counter;
  readonly sandboxCallSeconds: Histogram<'outcome'>;
  readonly sandboxPrograms: Counter;
  readonly ppmScoreSeconds: Histogram<'outcome'>;
  /** Largest event-loop delay seen since start, ms (the histogram is reset per scrape). */
  private maxDelayMs = 0;

  constructor(stats: RolloutStats) {
    this.registry = createRegistry('rollout-worker');
    this.eventLoop = monitorEventLoopDelay({ resolution: 10 });
    this.eventLoop.enable();
    for (const key of ROLLOUT_COUNTERS) {
      const names = COUNTER_NAMES[key];
      if (names === undefined) continue;
      const [name, help] = names;
      let reported = 0;
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          const now = stats.totals[key];
          if (now > reported) this.inc(now - reported);
          reported = now;
        },
      });
    }
    let terminalsReported = { ...stats.terminals };
    const terminals = new Counter({
      name: 'rstar_terminals_total',
      help: 'Terminal nodes of written search units by outcome (answer correct/wrong, code-error, invalid, depth-limit)',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      collect() {
        for (const outcome of TERMINAL_OUTCOMES) {
          const delta = stats.terminals[outcome] - terminalsReported[outcome];
          if (delta > 0) this.labels(outcome).inc(delta);
        }
        terminalsReported = { ...stats.terminals };
      },
    });
    for (const outcome of TERMINAL_OUTCOMES) terminals.labels(outcome).inc(0);
    const roundReported = new Map<number, { searched: number; solved: number }>();
    // Registered after the searched counter, whose collect() feeds both: prom-client collects
    // in registration order, so both are current in the same scrape.
    new Counter({
      name: 'rstar_problems_searched_total',
      help: 'Problems whose units of a shard all finished on this worker, by round',
      labelNames: ['round'] as const,
      registers: [this.registry],
      collect() {
        for (const [round, now] of stats.byRound) {
          const was = roundReported.get(round) ?? { searched: 0, solved: 0 };
          const label = String(round);
          this.labels(label).inc(now.searched - was.searched);
          problemsSolved.labels(label).inc(now.solved - was.solved);
          roundReported.set(round, { ...now });
        }
      },
    });
    const problemsSolved = new Counter({
      name: 'rstar_problems_solved_total',
      help: 'Problems searched by this worker with a correct answer in some unit, by round',
      labelNames: ['round'] as const,
      registers: [this.registry],
    });
    const evalReported = new Map<string, number>();
    const evalRuns = new Counter({
      name: 'rstar_worker_eval_runs_total',
      help: 'Evaluation runs (one problem under one test-time mode with one seed) written, by mode',
      labelNames: ['mode'] as const,
      registers: [this.registry],
      collect() {
        for (const [mode, now] of stats.evalRunsByMode) {
          this.labels(mode).inc(now - (evalReported.get(mode) ?? 0));
          evalReported.set(mode, now);
        }
      },
    });
    for (const mode of TEST_TIME_MODES) evalRuns.labels(mode).inc(0);
    this.sandboxCallSeconds = new Histogram({
      name: 'rstar_worker_sandbox_call_duration_seconds',
      help: 'ExecuteBatch calls to the sandbox as the search sees them (all siblings of an expansion), by outcome',
      labelNames: ['outcome'] as const,
      buckets: exponentialBuckets(0.01, 2, 14),
      registers: [this.registry],
    });
    this.sandboxPrograms = new Counter({
      name: 'rstar_worker_sandbox_programs_total',
      help: 'Programs sent to the sandbox (the siblings of ExecuteBatch calls)',
      registers: [this.registry],
    });
    this.ppmScoreSeconds = new Histogram({
      name: 'rstar_ppm_score_duration_seconds',
      help: 'PPM scoring calls as the search sees them (client queueing and retries included), by outcome',
      labelNames: ['outcome'] as const,
      buckets: exponentialBuckets(0.005, 2, 16),
      registers: [this.registry],
    });
    for (const outcome of ['ok', 'error'] as const) {
      this.sandboxCallSeconds.zero({ outcome });
      this.ppmScoreSeconds.zero({ outcome });
    }
    new Gauge({
      name: 'rstar_worker_units_in_flight',
      help: 'Search units being searched right now',
      registers: [this.registry],
      collect() {
        this.set(stats.unitsInFlight);
      },
    });
    this.activeJobs = new Gauge({
      name: 'rstar_worker_active_jobs',
      help: 'Shard jobs this worker is processing',
      registers: [this.registry],
    });
    this.jobSeconds = new Histogram({
      name: 'rstar_worker_job_duration_seconds',
      help: 'Wall time of shard jobs by outcome',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
      registers: [this.registry],
    });
    this.lockRenewalFailures = new Counter({
      name: 'rstar_worker_lock_renewal_failures_total',
      help: 'Shard jobs whose BullMQ lock could not be renewed (their search was cancelled)',
      registers: [this.registry],
    });
    const maxMs = (): number => this.maxEventLoopDelayMs();
    const p99Ms = (): number => {
      this.foldDelay();
      const p99 = this.eventLoop.percentile(99) / 1e6;
      this.eventLoop.reset();
      return p99;
    };
    new Gauge({
      name: 'rstar_worker_event_loop_delay_max_seconds',
      help: 'Largest event-loop delay since the worker started',
      registers: [this.registry],
      collect() {
        this.set(maxMs() / 1000);
      },
    });
    new Gauge({
      name: 'rstar_worker_event_loop_delay_p99_seconds',
      help: 'p99 event-loop delay since the previous scrape',
      registers: [this.registry],
      collect() {
        this.set(p99Ms() / 1000);
      },
    });
  }

  /**
   * `rstar_worker_dependency_up{dependency, endpoint}`: 1 while the worker reaches the
   * dependency, 0 while not (from the prober's last round, at scrape time). `dependency` is
   * sandbox, policy, ppm or redis; `endpoint` the sandbox address, the inference endpoint's name
   * or Redis's host:port — bounded by the plan, never an id. A dependency the worker no longer
   * uses (an earlier round's endpoints) disappears.
   */
  watchDependencies(health: () => readonly DependencyHealth[]): void {
    new Gauge({
      name: 'rstar_worker_dependency_up',
      help: 'Whether this worker reaches a dependency (1) or not (0), by dependency kind (sandbox, policy, ppm, redis) and endpoint',
      labelNames: ['dependency', 'endpoint'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const h of health()) {
          this.labels(h.dependency, h.endpoint).set(h.up ? 1 : 0);
        }
      },
    });
  }

  /** What FleetPorts reports its sandbox and PPM call timings to. */
  portsObserver(): PortsObserver {
    return {
      sandboxCall: (seconds, programs, ok) => {
        this.sandboxCallSeconds.labels(ok ? 'ok' : 'error').observe(seconds);
        this.sandboxPrograms.inc(programs);
      },
      ppmScore: (seconds, _prefixes, ok) => {
        this.ppmScoreSeconds.labels(ok ? 'ok' : 'error').observe(seconds);
      },
    };
  }

  /** Largest event-loop delay seen since start, ms. */
  maxEventLoopDelayMs(): number {
    this.foldDelay();
    return this.maxDelayMs;
  }

  close(): void {
    this.eventLoop.disable();
  }

  private foldDelay(): void {
    // The histogram's max is the largest delay plus the sampling resolution; count() 0 = none yet.
    if (this.eventLoop.count > 0) {
      this.maxDelayMs = Math.max(this.maxDelayMs, this.eventLoop.max / 1e6);
    }
  }
}
