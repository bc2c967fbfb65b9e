import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { RunPlan } from '@rstar-fleet/config';
import {
  Lifecycle,
  compileLifecycleOptions,
  startTelemetryServer,
  type ShutdownResult,
  type TelemetryServer,
} from '@rstar-fleet/telemetry';
import {
  SHARD_QUEUE,
  bullConnection,
  createRedis,
  pingRedis,
  publishWorkerHealth,
  redisEndpoint,
  withdrawWorkerHealth,
} from '@rstar-fleet/queue';
import { WORKER_HEALTH_VERSION } from '@rstar-fleet/protocol';
import { openStore } from '@rstar-fleet/store';
import {
  DependencyProber,
  FleetPorts,
  ManifestCache,
  RunDependencies,
  SandboxProbeClients,
  RolloutStats,
  compileRolloutOptions,
  probeDependencies,
  type EvalShardDeps,
} from '@rstar-fleet/rollout';
import type { WorkerConfig } from './config';
import { WORKER_DEFAULTS } from './config';
import { WorkerMetrics } from './metrics';
import { createShardProcessor } from './processor';

/** After the grace period, cancelled jobs get this long to go back to the queue. */
const RELEASE_MS = 10_000;
/**
 * Redis away this long during the grace: the active jobs can neither report nor complete (nor
 * go back to the queue), so waiting out the grace would only delay the exit. They are cancelled
 * and left to stall detection once Redis is back.
 */
const REDIS_GONE_MS = 2_000;
/** Without Redis, how long cancelled jobs get to stop their search before the worker exits. */
const RELEASE_OFFLINE_MS = 1_000;
/** Closing Redis and the clients at the very end, each. */
const CLOSE_MS = 5_000;

export interface WorkerServiceOptions {
  config: WorkerConfig;
  plan: RunPlan;
  /** Redis password (read from the plan's passwordEnv by the command, the only reader of env). */
  redisPassword?: string | undefined;
  log: Logger;
}

export interface WorkerService {
  name: string;
  httpPort: number;
  metrics: WorkerMetrics;
  stats: RolloutStats;
  /** Running until its shutdown: `lifecycle.shutdownOnSignals()`, `lifecycle.stopped`. */
  lifecycle: Lifecycle;
  /** Readiness off, drain for the grace period, release what is left, close; idempotent. */
  shutdown(): Promise<ShutdownResult>;
}

/**
 * The rollout worker: a BullMQ Worker on `shards` whose processor runs runShard (a round's
 * shards) and runEvalShard (an evaluation's), the shared ports (clients created per round's
 * endpoints and models), and the HTTP side (health, metrics).
 */
export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerService> {
  const { config, plan, log } = options;
  const name = config.name ?? `${hostname()}-${process.pid}`;
  const lifecycle = new Lifecycle(
    'rollout-worker',
    compileLifecycleOptions({ graceMs: config.graceMs, settleMs: RELEASE_MS, closeMs: CLOSE_MS }),
  );
  const store = await openStore(plan.store);
  const stats = new RolloutStats();
  const metrics = new WorkerMetrics(stats);
  const ports = new FleetPorts({
    governor: {
      maxInFlight: config.maxInFlight,
      deadline: { adaptive: { floorMs: config.deadlineFloorMs } },
      // The worker rides out a server's outage itself (the call is sent again after a pause,
      // logged, within --outage-budget-ms): its clients report an unreachable replica after
      // their few retries instead of waiting through a restart.
      retries: { reconnectWindowMs: 0 },
    },
    registry: metrics.registry,
    observer: metrics.portsObserver(),
  });
  const redisOptions = {
    url: plan.redis.url,
    password: options.redisPassword,
    role: 'worker' as const,
    connectionName: `rstar-worker-${name}`,
  };
  let redisDownLogged = false;
  // Readiness, health probes and the health record; BullMQ owns its own connections.
  const redis = createRedis(redisOptions, (err) => {
    if (!redisDownLogged) log.warn({ err: err.message }, 'redis unavailable; waiting for it');
    redisDownLogged = true;
  });
  let redisDownSince: number | null = Date.now(); // not connected yet
  redis.on('ready', () => {
    if (redisDownLogged) log.info('redis available again');
    redisDownLogged = false;
    redisDownSince = null;
  });
  redis.on('close', () => {
    redisDownSince ??= Date.now();
  });
  void redis.connect().catch(() => undefined); // retried by the reconnect strategy

  // Dependency health: Redis always, plus whatever the current round's manifests name (learnt
  // as the search asks for ports). Published to Redis for `status`, exported as a gauge, and
  // part of /readyz.
  let workerRunning = (): boolean => false;
  const ready = (): boolean =>
    !lifecycle.isStopping() && redis.status === 'ready' && workerRunning() && prober.ready();
  const healthTtlMs = 5 * config.healthIntervalMs;
  const sandboxProbes = new SandboxProbeClients(config.healthTimeoutMs);
  const prober: DependencyProber = new DependencyProber({
    intervalMs: config.healthIntervalMs,
    timeoutMs: config.healthTimeoutMs,
    onChange: (h) => {
      const fields = { dependency: h.dependency, endpoint: h.endpoint, since: h.since };
      if (h.up) log.info(fields, 'dependency available again');
      else log.warn({ ...fields, code: h.code, err: h.error }, 'dependency unavailable');
    },
    onProbed: (dependencies) => {
      if (redis.status !== 'ready' || lifecycle.isStopping()) return;
      const record = {
        v: WORKER_HEALTH_VERSION,
        worker: name,
        at: new Date().toISOString(),
        ready: ready(),
        dependencies,
      };
      // Best effort: a record not written expires, and the next probe round writes it again.
      publishWorkerHealth(redis, plan.redis.prefix, record, healthTtlMs).catch(() => undefined);
    },
  });
  prober.setGroup('worker', [
    {
      dependency: 'redis',
      endpoint: redisEndpoint(plan.redis.url),
      probe: () => pingRedis(redis, config.healthTimeoutMs),
    },
  ]);
  metrics.watchDependencies(() => prober.health());
  const runDependencies = new RunDependencies(prober, sandboxProbes, config.healthForgetMs);
  const closeProbes = (): void => {
    runDependencies.close();
    sandboxProbes.close();
  };

  const deps: EvalShardDeps = {
    store,
    manifests: new ManifestCache(store),
    ports: runDependencies.watch(ports),
    // An eval shard asks its modes' servers once before its first run, within the health
    // probes' deadline.
    probe: (target) => probeDependencies(target, config.healthTimeoutMs),
    stats,
    options: compileRolloutOptions({
      problemsInFlight: config.problemsInFlight,
      treeConcurrency: config.treeConcurrency,
      ...(config.outageBudgetMs === undefined ? {} : { outageBudgetMs: config.outageBudgetMs }),
    }),
  };
  const worker = new Worker(
    SHARD_QUEUE,
    createShardProcessor({
      deps,
      log,
      metrics,
      shuttingDown: () => lifecycle.isStopping(),
      onShard: (run, active) =>
        active ? runDependencies.shardStarted(run) : runDependencies.shardEnded(run),
    }),
    {
      connection: bullConnection(redisOptions),
      prefix: plan.redis.prefix,
      name,
      concurrency: config.concurrency,
      lockDuration: config.lockDurationMs,
      // A dead worker's shard comes back once its lock has expired and a stall check has run:
      // checking every half lock (at most BullMQ's 30 s default) bounds that to 1.5 locks.
      stalledInterval: Math.min(30_000, Math.ceil(config.lockDurationMs / 2)),
      maxStalledCount: WORKER_DEFAULTS.maxStalledCount,
      autorun: false,
    },
  );
  worker.on('error', (err) => log.warn({ err: err.message }, 'worker error'));
  worker.on('lockRenewalFailed', (ids) => {
    // Another worker may get the job now: stop searching it (its written units stay written; the
    // results log's own lock keeps two writers off one file).
    metrics.lockRenewalFailures.inc(ids.length);
    log.warn({ jobs: ids }, 'lock renewal failed: cancelling those shard jobs');
    for (const id of ids) worker.cancelJob(id, 'lock renewal failed');
  });
  worker.on('failed', (job, err) => {
    if (job !== undefined && err.name !== 'WaitingError') {
      log.warn({ job: job.id, attempts: job.attemptsMade, err: err.message }, 'shard job failed');
    }
  });
  void worker.run().catch((err: unknown) => log.error({ err: String(err) }, 'worker loop ended'));
  workerRunning = () => worker.isRunning();
  prober.start();

  let http: TelemetryServer;
  try {
    // /readyz: Redis answers, the BullMQ worker runs and every dependency the prober knows is
    // up (503 while one is away or during shutdown, so a rolling update waits for it).
    http = await startTelemetryServer({
      host: config.httpHost,
      port: config.httpPort,
      registry: metrics.registry,
      ready,
    });
  } catch (err) {
    await lifecycle.failStart(err, [
      { name: 'dependency prober', run: () => prober.stop() },
      { name: 'dependency probes', run: closeProbes },
      { name: 'bullmq worker', run: () => worker.close(true) },
      { name: 'redis', run: () => redis.disconnect() },
      { name: 'inference ports', run: () => ports.close() },
      { name: 'metrics', run: () => metrics.close() },
    ]);
    throw err;
  }
  log.info(
    {
      httpPort: http.port,
      name,
      concurrency: config.concurrency,
      problemsInFlight: config.problemsInFlight,
      treeConcurrency: config.treeConcurrency,
      prefix: plan.redis.prefix,
    },
    'worker ready',
  );

  const redisUp = (): boolean => redis.status === 'ready';
  let proberStopped: Promise<void> = Promise.resolve();
  let redisWatch: NodeJS.Timeout | undefined;
  lifecycle.running({
    drain: () => {
      log.info({ graceMs: config.graceMs }, 'worker shutting down: not ready, draining shard jobs');
      proberStopped = prober.stop();
      // Redis away REDIS_GONE_MS: the active jobs can neither finish nor go back to the queue, so
      // the rest of the grace would only delay the exit.
      const checkRedis = (): void => {
        if (redisDownSince !== null && Date.now() - redisDownSince >= REDIS_GONE_MS) {
          lifecycle.forceNow('redis unreachable');
        }
      };
      redisWatch = setInterval(checkRedis, 200);
      checkRedis();
      // Stops fetching and waits for the active jobs, without a bound of its own (and forever
      // while Redis is away): the lifecycle races it with the grace.
      return worker.close();
    },
    // In BullMQ 6 a second close(true) returns the first call's promise, so "force" means
    // cancelling the jobs: each stops its search, writes nothing half-done and moves back to
    // `wait` (or, without Redis, is left to stall detection).
    force: () => {
      clearInterval(redisWatch);
      const online = redisUp();
      log.warn(
        online
          ? 'grace period over: releasing active shard jobs to the queue'
          : 'redis unreachable: cancelling active shard jobs (stall detection returns them)',
      );
      worker.cancelAllJobs('worker shutting down');
      return online ? undefined : { settleMs: RELEASE_OFFLINE_MS, abandonMs: RELEASE_OFFLINE_MS };
    },
    abandon: () => {
      log.error('worker did not close; exiting anyway (stall detection returns its jobs)');
      // Its connections would wait for Redis forever.
      return worker.disconnect();
    },
    close: [
      {
        name: 'dependency prober',
        run: () => {
          clearInterval(redisWatch);
          return proberStopped;
        },
      },
      { name: 'dependency probes', run: closeProbes },
      { name: 'inference ports', run: () => ports.close() },
      {
        name: 'health record',
        run: () => (redisUp() ? withdrawWorkerHealth(redis, plan.redis.prefix, name) : undefined),
      },
      {
        name: 'redis quit',
        run: () => (redisUp() ? redis.quit().catch(() => undefined) : undefined),
      },
      { name: 'redis', run: () => redis.disconnect() },
      { name: 'http', run: () => http.close() },
    ],
  });
  lifecycle.onChange((state) => {
    if (state.phase !== 'stopped') return;
    const { drain, failures } = state.result;
    log.info(
      {
        drained: drain === 'drained',
        drain,
        failures: failures.map((f) => f.message),
        maxEventLoopDelayMs: Math.round(metrics.maxEventLoopDelayMs()),
      },
      'worker stopped',
    );
    metrics.close();
  });

  return {
    name,
    httpPort: http.port,
    metrics,
    stats,
    lifecycle,
    shutdown: () => lifecycle.shutdown('requested'),
  };
}
