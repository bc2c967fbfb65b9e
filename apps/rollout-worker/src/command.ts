import { Command, Option } from 'commander';
import type { DestinationStream } from 'pino';
import { ROLLOUT_DEFAULTS } from '@rstar-fleet/rollout/options';
import { LOG_LEVELS, WORKER_DEFAULTS, parseWorkerConfig } from './config';

/** Where the command writes (structurally the orchestrator's CliIO), and its environment. */
export interface WorkerCliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Default: process.env. Only the plan's `redis.passwordEnv` is read from it. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** `rstar-fleet worker`: the rollout worker service. */
export function workerCommand(io: WorkerCliIO): Command {
  const d = WORKER_DEFAULTS;
  return new Command('worker')
    .description(
      'Run a rollout worker: take shard jobs from the plan\'s Redis (queue "shards"), search ' +
        'every problem of a shard (MCTS or beam, as its round manifest says) against the policy, ' +
        'PPM and sandbox servers, and append one search record per problem and tree to the ' +
        "shard's results file in the artifact store (a re-run skips what is written). Inference " +
        'or sandbox outages slow it down instead of failing problems. Serves /livez, /readyz and ' +
        '/metrics over HTTP. SIGINT/SIGTERM: not ready, finish or release the active shards ' +
        'within --grace-ms (a second SIGINT releases them at once), exit.',
    )
    .requiredOption('--plan <file>', 'run plan (YAML): store, redis (url, passwordEnv, prefix)')
    .option('--concurrency <n>', 'shard jobs processed at once', String(d.concurrency))
    .option(
      '--problems-in-flight <n>',
      'search units (problem x tree) in flight per shard job',
      String(d.problemsInFlight),
    )
    .option(
      '--tree-concurrency <n>',
      'rollouts of one MCTS tree in flight at once',
      String(d.treeConcurrency),
    )
    .option(
      '--max-in-flight <n>',
      'inference requests in flight per policy/PPM endpoint (the governor budget)',
      String(d.maxInFlight),
    )
    .option(
      '--deadline-floor-ms <ms>',
      "shortest deadline of an inference request once its endpoint's answer times are learned " +
        '(a hung request costs about this much; raise it for a slow but healthy server)',
      String(d.deadlineFloorMs),
    )
    .option('--http-host <host>', 'address of /livez, /readyz and /metrics', d.httpHost)
    .option(
      '--http-port <port>',
      'HTTP port (0: any free port, logged at start)',
      String(d.httpPort),
    )
    .option(
      '--grace-ms <ms>',
      'on SIGTERM, how long active shards may finish before they are released to the queue',
      String(d.graceMs),
    )
    .option(
      '--lock-duration-ms <ms>',
      'BullMQ lock of an active shard job (renewed every half of it)',
      String(d.lockDurationMs),
    )
    .option(
      '--outage-budget-ms <ms>',
      'how long one problem may wait out an inference/sandbox outage before its shard fails ' +
        `(default ${ROLLOUT_DEFAULTS.outageBudgetMs})`,
    )
    .option(
      '--health-interval-ms <ms>',
      'how often each dependency (sandbox, policy, PPM, Redis) is probed; a down one makes /readyz 503, ' +
        'rstar_worker_dependency_up 0 and shows in `rstar-fleet status`',
      String(d.healthIntervalMs),
    )
    .option(
      '--health-timeout-ms <ms>',
      'deadline of one dependency probe',
      String(d.healthTimeoutMs),
    )
    .option(
      '--health-forget-ms <ms>',
      "how long a run's sandbox/policy/PPM endpoints are still probed after the worker's last shard of it",
      String(d.healthForgetMs),
    )
    .option('--name <name>', 'worker name in logs and Redis CLIENT LIST (default host-pid)')
    .addOption(
      new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default(d.logLevel),
    )
    .action(async (flags: Record<string, unknown>) => {
      // Loaded when the command runs: every `rstar-fleet` start defines this command.
      const { default: pino } = await import('pino');
      const { loadPlan, readRedisPassword } = await import('@rstar-fleet/config');
      const { startWorkerService } = await import('./service.js');
      const config = parseWorkerConfig(flags);
      const destination = io.stdout as unknown as DestinationStream;
      const log = pino({ level: config.logLevel, base: { service: 'worker' } }, destination);
      const plan = await loadPlan(config.plan);
      // The edge of the process: the only place the environment is read.
      // eslint-disable-next-line no-restricted-properties -- the app edge: the plan names the password variable
      const env = io.env ?? process.env;
      const redisPassword = readRedisPassword(plan, env);
      const service = await startWorkerService({ config, plan, redisPassword, log });
      service.lifecycle.shutdownOnSignals((signal, count) =>
        count === 1
          ? log.info({ signal }, 'stop signal received')
          : log.warn({ signal }, 'already shutting down (SIGINT again releases the shards now)'),
      );
      await service.lifecycle.stopped;
      // Everything is closed; should a library still hold a handle, the exit stays bounded.
      setTimeout(() => {
        log.warn('handles still open after shutdown; exiting');
        process.exit(process.exitCode ?? 0);
      }, 3_000).unref();
    });
}
