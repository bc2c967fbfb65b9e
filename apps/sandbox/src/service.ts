import { availableParallelism } from 'node:os';
import { ServerCredentials } from '@grpc/grpc-js';
import type { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import { SANDBOX_SERVICE_NAME } from '@rstar-fleet/protocol/sandbox';
import {
  Lifecycle,
  compileLifecycleOptions,
  startTelemetryServer,
  type ShutdownResult,
  type TelemetryServer,
} from '@rstar-fleet/telemetry';
import { OPTIONAL_LAYERS, type SandboxConfig } from './config';
import type { ForkServerBootConfig } from './fork-server-messages';
import { forkServerScriptPath } from './forkserver-script';
import { createGrpcServer } from './grpc-server';
import {
  type IsolationReport,
  buildIsolationReport,
  checkRequiredLayers,
  formatIsolationReport,
} from './isolation';
import { SandboxMetrics } from './metrics';
import { Pool } from './pool';

export interface SandboxService {
  grpcPort: number;
  metricsPort: number;
  report: IsolationReport;
  metrics: SandboxMetrics;
  pool: Pool;
  /** Running until its shutdown: `lifecycle.shutdownOnSignals()`, `lifecycle.stopped`. */
  lifecycle: Lifecycle;
  /** NOT_SERVING, drain in-flight calls for up to the grace period, then force; idempotent. */
  shutdown(): Promise<ShutdownResult>;
}

export function bootConfigFor(config: SandboxConfig, slot: number): ForkServerBootConfig {
  const isolation: Record<string, boolean> = {};
  for (const layer of OPTIONAL_LAYERS) isolation[layer] = !config.disabledLayers.includes(layer);
  return {
    slot,
    uid: config.uidBase + slot,
    gid: config.uidBase + slot,
    cpu: config.pinCpus ? slot % availableParallelism() : null,
    preload: config.preload,
    isolation,
    fs_binds: config.fsBinds,
    tmp_size_mb: config.tmpSizeMb,
    lock_dir: config.lockDir,
    lock_wait_ms: 5_000,
    host_tmp_dir: config.hostTmpDir,
    limits: {
      max_processes: config.maxProcesses,
      max_open_files: config.maxOpenFiles,
      max_file_size_mb: config.maxFileSizeMb,
    },
  };
}

/** Starts and self-tests the fork-server pool; resolves with its isolation report. */
export async function startPool(
  config: SandboxConfig,
  log: Logger,
  metrics?: SandboxMetrics,
  onCapacityChange?: (ready: number) => void,
): Promise<{ pool: Pool; report: IsolationReport }> {
  const pool = new Pool({
    workers: config.workers,
    queueLimit: config.queueLimit,
    outputKillBytes: config.outputKillBytes,
    python: config.python,
    script: forkServerScriptPath(),
    startTimeoutMs: config.startTimeoutMs,
    watchdogGraceMs: config.watchdogGraceMs,
    // A result carries at most two capped streams plus JSON escaping (up to 6x for control bytes).
    maxFrameBytes: 16 * config.maxOutputBytes.max + config.maxCodeBytes + 1024 * 1024,
    bootConfig: (slot) => bootConfigFor(config, slot),
    log,
    hooks: {
      onExecuted: (result, wait) => metrics?.executed(result, wait),
      onRestart: (reason) => metrics?.restarted(reason),
      onCapacityChange: (ready) => onCapacityChange?.(ready),
    },
  });
  const hellos = await pool.start();
  const report = buildIsolationReport(hellos);
  try {
    checkRequiredLayers(report, config.requiredLayers);
  } catch (err) {
    await pool.close(0);
    throw err;
  }
  return { pool, report };
}

function bindAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * After forceShutdown() the in-flight calls are cancelled at once; this is how long the server
 * gets to report them closed before the shutdown moves on.
 */
const FORCED_SETTLE_MS = 1_000;

/** Pool, gRPC server (sandbox + health + reflection) and metrics endpoint, started in that order. */
export async function startSandboxService(
  config: SandboxConfig,
  log: Logger,
): Promise<SandboxService> {
  const lifecycle = new Lifecycle(
    'sandbox',
    compileLifecycleOptions({ graceMs: config.shutdownGraceMs, settleMs: FORCED_SETTLE_MS }),
  );
  const started: { pool?: Pool; health?: HealthImplementation } = {};
  const metrics = new SandboxMetrics(
    () =>
      started.pool?.stats() ?? {
        size: config.workers,
        ready: 0,
        busy: 0,
        queued: 0,
        queueLimit: config.queueLimit,
      },
  );
  // Health follows capacity: NOT_SERVING while every fork-server is being replaced.
  const onCapacityChange = (ready: number): void => {
    if (!started.health || lifecycle.isStopping()) return;
    const status = ready > 0 ? 'SERVING' : 'NOT_SERVING';
    started.health.setStatus('', status);
    started.health.setStatus(SANDBOX_SERVICE_NAME, status);
  };
  const { pool, report } = await startPool(config, log, metrics, onCapacityChange);
  started.pool = pool;
  metrics.isolation(report);
  log.info(
    { isolation: report.layers, python: report.executable, preloaded: report.preloaded },
    `sandbox isolation layers:\n${formatIsolationReport(report)}`,
  );
  if (Object.keys(report.missing).length > 0) {
    log.warn(
      { missing: report.missing },
      'some preload modules are not importable by the interpreter',
    );
  }
  if (report.inconsistentSlots.length > 0) {
    log.warn({ slots: report.inconsistentSlots }, 'fork-servers report different isolation layers');
  }

  const { server, health } = createGrpcServer(
    {
      pool,
      limits: config,
      maxBatch: config.maxBatch,
      metrics,
      log,
    },
    { maxMessageBytes: config.maxMessageBytes, reflection: config.reflection },
  );
  let grpcPort: number;
  let http: TelemetryServer;
  try {
    grpcPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(
        bindAddress(config.host, config.port),
        ServerCredentials.createInsecure(),
        (err, p) => (err ? reject(err) : resolve(p)),
      );
    });
    // /metrics, /livez, and /readyz (a fork-server is ready and the sandbox is not stopping, as
    // its gRPC health says), with request deadlines and a bounded close.
    http = await startTelemetryServer({
      host: config.metricsHost,
      port: config.metricsPort,
      registry: metrics.registry,
      ready: () => !lifecycle.isStopping() && pool.stats().ready > 0,
    });
  } catch (err) {
    await lifecycle.failStart(err, [
      { name: 'grpc', run: () => server.forceShutdown() },
      { name: 'pool', run: () => pool.close(0) },
    ]);
    throw err;
  }
  started.health = health;
  onCapacityChange(pool.stats().ready);
  log.info({ grpcPort, metricsPort: http.port, workers: config.workers }, 'sandbox serving');

  lifecycle.running({
    drain: () => {
      log.info({ graceMs: config.shutdownGraceMs }, 'sandbox shutting down: NOT_SERVING, draining');
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(SANDBOX_SERVICE_NAME, 'NOT_SERVING');
      return new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
    force: () => {
      log.warn('drain did not finish within the grace period; forced');
      server.forceShutdown();
      return undefined;
    },
    close: [
      { name: 'pool', run: () => pool.close(1_000) },
      { name: 'http', run: () => http.close() },
    ],
  });
  lifecycle.onChange((state) => {
    if (state.phase !== 'stopped') return;
    const { drain, failures } = state.result;
    log.info(
      { drained: drain === 'drained', drain, failures: failures.map((f) => f.message) },
      'sandbox stopped',
    );
  });
  return {
    grpcPort,
    metricsPort: http.port,
    report,
    metrics,
    pool,
    lifecycle,
    shutdown: () => lifecycle.shutdown('requested'),
  };
}
