import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createRegistry } from '@rstar-fleet/telemetry';
import { EXECUTION_STATUSES } from '@rstar-fleet/protocol/sandbox';
import type { ExecutionResult } from './fork-server';
import type { IsolationReport } from './isolation';
import { type PoolStats, RESTART_REASONS, type RestartReason } from './pool';

const REFUSAL_REASONS = ['invalid', 'queue_full', 'shutting_down'] as const;

const DURATION_BUCKETS = [
  0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** The sandbox's Prometheus metrics, on a registry of its own (served by the telemetry server). */
export class SandboxMetrics {
  readonly registry: Registry = createRegistry('sandbox');
  private readonly executions: Counter<'status'>;
  private readonly duration: Histogram<'status'>;
  private readonly queueWait: Histogram;
  private readonly restarts: Counter<'reason'>;
  private readonly rejected: Counter<'reason'>;
  private readonly requests: Counter<'method' | 'code'>;
  private readonly layer: Gauge<'layer'>;

  constructor(stats: () => PoolStats) {
    const registers = [this.registry];
    this.executions = new Counter({
      name: 'rstar_sandbox_executions_total',
      help: 'Executions finished, by status (a failing program is status ERROR, not a failed RPC).',
      labelNames: ['status'] as const,
      registers,
    });
    this.duration = new Histogram({
      name: 'rstar_sandbox_execution_duration_seconds',
      help: 'Wall-clock time of an execution inside its fork-server (fork to exit), by status.',
      labelNames: ['status'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.queueWait = new Histogram({
      name: 'rstar_sandbox_queue_wait_seconds',
      help: 'Time an execution waited in the queue for a free fork-server.',
      buckets: DURATION_BUCKETS,
      registers,
    });
    for (const status of EXECUTION_STATUSES) {
      if (status === 'STATUS_UNSPECIFIED') continue;
      this.executions.labels(status).inc(0);
    }
    this.restarts = new Counter({
      name: 'rstar_sandbox_forkserver_restarts_total',
      help: 'Fork-servers replaced after they died, by reason.',
      labelNames: ['reason'] as const,
      registers,
    });
    this.rejected = new Counter({
      name: 'rstar_sandbox_rejected_total',
      help: 'Executions refused before running, by reason.',
      labelNames: ['reason'] as const,
      registers,
    });
    for (const reason of RESTART_REASONS) this.restarts.labels(reason).inc(0);
    for (const reason of REFUSAL_REASONS) this.rejected.labels(reason).inc(0);
    this.requests = new Counter({
      name: 'rstar_sandbox_grpc_requests_total',
      help: 'gRPC calls handled, by method and status code.',
      labelNames: ['method', 'code'] as const,
      registers,
    });
    this.layer = new Gauge({
      name: 'rstar_sandbox_isolation_layer_active',
      help: 'Isolation layers reported by the fork-servers at start-up (1 active, 0 unavailable).',
      labelNames: ['layer'] as const,
      registers,
    });
    new Gauge({
      name: 'rstar_sandbox_pool_size',
      help: 'Fork-servers ready to serve (configured size minus those starting or being replaced).',
      registers,
      collect() {
        this.set(stats().ready);
      },
    });
    new Gauge({
      name: 'rstar_sandbox_pool_configured_size',
      help: 'Fork-servers the pool is configured to run.',
      registers,
      collect() {
        this.set(stats().size);
      },
    });
    new Gauge({
      name: 'rstar_sandbox_pool_busy',
      help: 'Fork-servers running an execution right now.',
      registers,
      collect() {
        this.set(stats().busy);
      },
    });
    new Gauge({
      name: 'rstar_sandbox_queue_length',
      help: 'Executions waiting for a free fork-server.',
      registers,
      collect() {
        this.set(stats().queued);
      },
    });
    new Gauge({
      name: 'rstar_sandbox_queue_limit',
      help: 'Executions that may wait for a fork-server before calls are refused (RESOURCE_EXHAUSTED).',
      registers,
      collect() {
        this.set(stats().queueLimit);
      },
    });
  }

  executed(result: ExecutionResult, queueWaitMs: number): void {
    this.executions.labels(result.status).inc();
    this.duration.labels(result.status).observe(result.durationMs / 1000);
    this.queueWait.observe(queueWaitMs / 1000);
  }

  restarted(reason: RestartReason): void {
    this.restarts.labels(reason).inc();
  }

  refused(reason: (typeof REFUSAL_REASONS)[number]): void {
    this.rejected.labels(reason).inc();
  }

  handled(method: string, code: string): void {
    this.requests.labels(method, code).inc();
  }

  isolation(report: IsolationReport): void {
    for (const l of report.layers) this.layer.labels(l.layer).set(l.active ? 1 : 0);
  }
}
