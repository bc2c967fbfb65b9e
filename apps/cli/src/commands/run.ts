import { Command, InvalidArgumentError } from 'commander';
import type { DestinationStream } from 'pino';
import type { RunState } from '@rstar-fleet/orchestration';
import { DEFAULT_LEASE_MS } from '@rstar-fleet/orchestration/command-defaults';
import { RstarError } from '@rstar-fleet/protocol';
import type { CliIO } from '../cli-io';
import type { HttpApi } from '@rstar-fleet/orchestrator/fleet/http-api';
import { CLI_SCRIPT } from '../cli-script';
import {
  addEvalSourceOptions,
  evalSourcesFromFlags,
  type EvalSourceFlags,
} from '../eval-source-flags';

/** Where the queue page's basic-auth password comes from (never a flag: argv is visible in ps). */
const QUEUE_UI_PASSWORD_ENV = 'RSTAR_QUEUE_UI_PASSWORD';

const HELP_AFTER = `
Runs a plan in the foreground until every round is done (exit 0): ingests the corpus once into
shard files, enqueues one BullMQ flow per round phase, and when a phase's shards are done either
escalates unsolved problems (rounds with an escalation budget) or completes the round: datasets
and stats, the train hook, the deploy hook, the next round. Rollout workers
(\`rstar-fleet worker --plan FILE\`) do the search.

With an \`evaluate:\` section the plan's starting models (round 0, unless \`baseline: false\`) are
evaluated before round 1, and each round's models after its deploy hook, through the same
workers (round status \`evaluating\`); the next round starts once the report is written. The
round-by-round table is in \`status\`, \`runs/<run>/eval-table.{json,md,svg}\` and the metric
rstar_eval_accuracy. Named benchmarks are read from --benchmarks-dir (synth-heldout from
--synth-seed/--synth-count).

A round whose failed shards (attempts spent) exceed the plan's maxFailedShardShare (default 0),
or whose dataset is empty, stops the run before its train hook: run.json says failed, the error
names the shards and their last errors, exit 75. Fix the cause, \`rstar-fleet requeue --failed\`,
then run again: the round resumes and the run goes on.

The run id defaults to the plan name plus a hash of the plan text, so running the same plan again
resumes the run; a different plan under an existing run id is refused (exit 78).
One orchestrator per run: a lease in Redis (--lease-ms, renewed while it runs) makes a second
\`run\` of the same run refuse to start (exit 73), naming the holder and when its lease expires;
once a crashed holder's lease has expired, \`run\` takes over and resumes. An orchestrator that
loses its lease to another one stops writing and exits non-zero.
SIGINT/SIGTERM: stop taking round jobs, let the current step finish within the grace, then force
(SIGINT again: at once) and exit 130; run again to resume. HTTP: GET /status (as \`status --json\`), /livez, /readyz, /metrics
(Prometheus) and, with --queue-ui, a read-only queue page (bull-board) under /queues. On an
address other than loopback the page needs basic auth: --queue-ui-user and the password in the
environment variable ${QUEUE_UI_PASSWORD_ENV}.

Examples:
  $ rstar-fleet run --plan examples/local-sim.yaml
  $ rstar-fleet run --plan plan.yaml --run exp-7 --http-port 0 --no-progress
  $ ${QUEUE_UI_PASSWORD_ENV}=... rstar-fleet run --plan plan.yaml --http-host 0.0.0.0 \\
      --queue-ui --queue-ui-user ops
`;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port (0 = any free one)');
  return n;
}

/** A positive integer (shard attempts). */
function positive(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}

/** Milliseconds (digits only). */
function millis(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected milliseconds (an integer ≥ 0)');
  return n;
}

interface RunFlags extends EvalSourceFlags {
  plan: string;
  shardAttempts?: number;
  shardBackoffMs?: number;
  run?: string;
  httpHost: string;
  httpPort: number;
  progress: boolean;
  graceMs: number;
  queueUi: boolean;
  queueUiUser?: string;
  leaseMs: number;
}

/** A lease shorter than this could not be renewed reliably (renewal every third of it). */
const MIN_LEASE_MS = 300;

function leaseMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_LEASE_MS)
    throw new InvalidArgumentError(`expected milliseconds, at least ${MIN_LEASE_MS}`);
  return n;
}

/** `rstar-fleet run`: the orchestrator in the foreground. */
export function runCommand(io: CliIO): Command {
  const command = new Command('run')
    .description(
      'run a plan: ingest, rounds of search (by the workers), datasets, hooks; resumable',
    )
    .requiredOption('--plan <FILE>', 'the run plan (YAML)')
    .option('--run <ID>', 'run id (default: the plan name and a hash of the plan text)')
    .option('--http-host <HOST>', 'address of the HTTP API', '127.0.0.1')
    .option('--http-port <PORT>', 'port of the HTTP API (0 = any free port)', port, 9400)
    .option('--no-progress', 'line logs instead of progress bars, even on a TTY')
    .option('--grace-ms <MS>', 'shutdown grace before forcing', port, 10_000)
    .option(
      '--lease-ms <MS>',
      'TTL of the run lease in Redis (one orchestrator per run; renewed every third of it): ' +
        'how long a crashed orchestrator keeps another from taking the run over',
      leaseMs,
      DEFAULT_LEASE_MS,
    )
    .option(
      '--shard-attempts <N>',
      'attempts of a shard job before it fails for good (default 5)',
      positive,
    )
    .option(
      '--shard-backoff-ms <MS>',
      'first retry delay of a failed shard job, doubled per attempt, ±50 % jitter (default 10000)',
      millis,
    )
    .option('--queue-ui', 'serve a read-only queue page (bull-board) under /queues', false)
    .option(
      '--queue-ui-user <USER>',
      `basic-auth user of the queue page (password: env ${QUEUE_UI_PASSWORD_ENV}); required off loopback`,
    )
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: RunFlags) => {
      const { default: pino } = await import('pino');
      const { checkPlanFiles, readRedisPassword } = await import('@rstar-fleet/config');
      const { Orchestrator, RunStoppedError } = await import('@rstar-fleet/orchestration');
      const { startHttpApi } = await import('@rstar-fleet/orchestrator/fleet/http-api');
      const { OrchestratorMetrics, combineObservers } =
        await import('@rstar-fleet/orchestrator/fleet/metrics');
      const { resolveQueueUi } = await import('@rstar-fleet/orchestrator/fleet/queue-ui');
      const { readPlanInput } = await import('@rstar-fleet/orchestrator/fleet/plan-input');
      const { progressObserver } = await import('@rstar-fleet/orchestrator/fleet/progress');
      const queueUi = resolveQueueUi({
        enabled: flags.queueUi,
        host: flags.httpHost,
        user: flags.queueUiUser,
        // eslint-disable-next-line no-restricted-properties -- the app edge: a secret stays out of argv
        password: process.env[QUEUE_UI_PASSWORD_ENV],
        passwordEnv: QUEUE_UI_PASSWORD_ENV,
      });
      const input = await readPlanInput(flags.plan);
      // A missing corpus fails here, naming the plan line, before Redis or the store is opened.
      await checkPlanFiles(input.plan, input.text, process.cwd());
      const tty =
        flags.progress && (io.stderr as NodeJS.WriteStream).isTTY === true ? io.stderr : null;
      const log = pino(
        { level: tty === null ? 'info' : 'warn', base: { service: 'orchestrator' } },
        (tty === null ? io.stdout : io.stderr) as unknown as DestinationStream,
      );
      const observer = progressObserver(log, tty);
      const metrics = new OrchestratorMetrics();
      // eslint-disable-next-line no-restricted-properties -- the app's edge: the plan names the variable
      const password = readRedisPassword(input.plan, process.env);
      const orch = await Orchestrator.open(
        input.plan,
        {
          planText: input.text,
          cliScript: CLI_SCRIPT,
          closeGraceMs: flags.graceMs,
          leaseMs: flags.leaseMs,
          logger: log,
          // Read only by a plan with `evaluate:` (its named benchmarks).
          evalSources: evalSourcesFromFlags(flags),
          ...(flags.run === undefined ? {} : { run: flags.run }),
          ...(password === undefined ? {} : { redisPassword: password }),
          ...(flags.shardAttempts === undefined && flags.shardBackoffMs === undefined
            ? {}
            : {
                shardRetry: {
                  ...(flags.shardAttempts === undefined ? {} : { attempts: flags.shardAttempts }),
                  ...(flags.shardBackoffMs === undefined
                    ? {}
                    : { backoffMs: flags.shardBackoffMs }),
                },
              }),
        },
        combineObservers(observer, metrics.observer),
      );
      metrics.attach(orch);
      let http: HttpApi | null = null;
      // The first SIGINT/SIGTERM starts the orchestrator's bounded shutdown; SIGINT again forces
      // it. The run's own promise is then no longer waited for.
      const stopRequested = new Promise<string>((resolve) =>
        orch.lifecycle.onChange((state) => {
          if (state.phase === 'draining') resolve(state.reason);
        }),
      );
      orch.lifecycle.shutdownOnSignals((signal, count) =>
        count === 1
          ? log.info({ signal }, 'stop signal received')
          : log.warn({ signal }, 'already shutting down (SIGINT again forces it)'),
      );
      try {
        http = await startHttpApi(orch, {
          host: flags.httpHost,
          port: flags.httpPort,
          metrics,
          queueUi,
        });
        log.info(
          {
            run: orch.run,
            httpPort: http.port,
            queueUi: queueUi.enabled,
            queueUiAuth: queueUi.auth !== null,
          },
          'orchestrator ready',
        );
        const running = orch.start().then(() => orch.done);
        // After a stop signal the run's own promise may still reject (closed mid-step): the
        // signal decides the outcome, not that rejection.
        running.catch(() => undefined);
        const outcome = await Promise.race([running, stopRequested.then((signal) => ({ signal }))]);
        if ('signal' in outcome) {
          const result = await orch.close();
          log.info(
            { signal: outcome.signal, drain: result.drain, ms: result.durationMs },
            'orchestrator stopped',
          );
          throw new RunStoppedError(orch.run, outcome.signal, result);
        }
        const state: RunState = outcome;
        const open = state.rounds.filter((r) => r.status !== 'done');
        if (state.status !== 'done' || open.length > 0) {
          // `done` resolves only for a finished run; anything else is a bug, never "done".
          throw new RstarError(
            'INTERNAL',
            `run ${state.run} ended with status ${state.status} and ${open.length} round(s) not done`,
          );
        }
        const tolerated = state.rounds.reduce((n, r) => n + r.failedShards.length, 0);
        io.stdout.write(
          `run ${state.run} done: ${state.rounds.length} round(s)` +
            `${tolerated === 0 ? '' : `, ${tolerated} failed shard(s) tolerated (maxFailedShardShare)`}\n`,
        );
      } finally {
        observer.stop();
        // Bounded and never throws: whatever the shutdown met, the outcome above stands.
        await orch.close();
        await http?.close();
      }
    });
  // Where a plan's `evaluate:` reads its named benchmarks.
  return addEvalSourceOptions(command);
}
