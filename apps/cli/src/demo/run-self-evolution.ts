import { randomInt } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parsePlan } from '@rstar-fleet/config';
import { writeSynthCorpus } from '@rstar-fleet/corpus';
import {
  LocalFleet,
  describeChildEvent,
  type CrashLoopError,
  freePort,
  startPrivateRedis,
  type SupervisedChild,
} from '@rstar-fleet/local-fleet';
import {
  DEFAULT_LEASE_MS,
  Orchestrator,
  openStore,
  readEvalTable,
  readManifest,
  type FleetLogger,
  type RunState,
} from '@rstar-fleet/orchestration';
import type { RoundTable } from '@rstar-fleet/evaluation';
import { RstarError } from '@rstar-fleet/protocol';
import { DEFAULT_BENCHMARKS_DIR } from '../benchmarks-dir';
import { demoEvaluateSection } from './demo-evaluate';
import { withEvalNotes } from './eval-table';
import type { DemoOptions } from './demo-options';
import type { DemoProgress } from './demo-progress';
import { demoRows } from './demo-rows';
import type { DemoRound } from './demo-table';
import { startSandbox, startSimulator, startWorker, type LaunchContext } from './fleet-services';
import { LOCAL_SIM_PLAN, deployedCheckpoint, renderLocalPlan } from './local-plan';

/** What the command hands the demo from the process edge. */
export interface DemoEnvironment {
  /** This installation's CLI script (services and hooks run it with this Node). */
  cliScript: string;
  /** Environment of the service processes (PATH, HOME). */
  env: Record<string, string | undefined>;
  /** REDIS_URL when the user has a Redis; else a private redis-server is started. */
  redisUrl?: string;
  /** Ctrl-C: stop the run and tear everything down (bounded). */
  signal: AbortSignal;
  progress: DemoProgress;
}

export interface DemoResult {
  rounds: DemoRound[];
  /** The round-by-round evaluation (runs/<run>/eval-table.json); null without one. */
  evalTable: RoundTable | null;
  runDir: string;
  state: RunState;
  wallSeconds: number;
}

/** Graces of the teardown: each service gets this long after SIGTERM, then SIGKILL. */
const STOP_GRACE_MS = { orchestrator: 10_000, worker: 10_000, server: 5_000 } as const;

/**
 * The workers' BullMQ lock on a shard: a worker killed mid-shard holds its shard this long (then
 * stall detection hands it to a worker, which skips the units already written). The workers'
 * default (120 s) suits a cluster; a demo on one machine recovers in seconds.
 */
const WORKER_LOCK_MS = 10_000;

/** How often the progress line reads the fleet's health (what `rstar-fleet status` shows). */
const HEALTH_POLL_MS = 2_000;

/**
 * Problems per shard: the plan's 256, or fewer so that every worker has several shards to take
 * (a phase's tail is then shared instead of waiting on one worker's last shard).
 */
function demoShardSize(problems: number, workers: number): number {
  return Math.max(1, Math.min(256, Math.ceil(problems / (4 * workers))));
}

/**
 * The main job on built-in defaults, through the whole fleet: a private Redis (or REDIS_URL),
 * the gRPC sandbox, the SIMULATED model server and N rollout workers as child processes of this
 * CLI; a synthetic corpus; examples/local-sim.yaml with those addresses substituted; and the
 * orchestrator in this process, for `options.rounds` rounds of search, datasets, simulated
 * training (train hook) and deploy (deploy hook, `model-sim load`). Everything lands in
 * `<out>/runs/<run id>/` in the store layout; the demo's own files (corpus, plan, service logs)
 * in its `demo/` folder.
 */
export async function runFleetDemo(
  options: DemoOptions,
  runId: string,
  environment: DemoEnvironment,
): Promise<DemoResult> {
  const started = Date.now();
  const { progress, signal } = environment;
  const storeDir = resolve(options.out);
  const runDir = join(storeDir, 'runs', runId);
  const demoDir = join(runDir, 'demo');
  const logDir = join(demoDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const logs = new Map<string, WriteStream>();
  const logTo = (service: string, line: string): void => {
    let stream = logs.get(service);
    if (stream === undefined) {
      stream = createWriteStream(join(logDir, `${service}.log`), { flags: 'a' });
      logs.set(service, stream);
    }
    stream.write(`${line}\n`);
  };
  // What Kubernetes does on a cluster (DESIGN §8): a service that crashes is restarted with
  // backoff, and the console and logs/fleet.log say what died, why, when and when it came back.
  const fleet = new LocalFleet({
    readyTimeoutMs: 60_000,
    stopGraceMs: STOP_GRACE_MS.server,
    onLine: logTo,
    onEvent: (event) => {
      progress.child(event);
      logTo(
        'fleet',
        JSON.stringify({ ...event, error: undefined, msg: describeChildEvent(event) }),
      );
    },
  });
  const ctx: LaunchContext = {
    cliScript: environment.cliScript,
    cwd: storeDir,
    env: environment.env,
    fleet,
  };
  const services: SupervisedChild<unknown>[] = [];
  const servers: SupervisedChild<unknown>[] = [];
  let orchestrator: Orchestrator | null = null;
  let healthTimer: NodeJS.Timeout | undefined;
  const cancelled = (): never => {
    throw new RstarError('CANCELLED', `demo ${runId} interrupted; partial outputs in ${runDir}`);
  };
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(new RstarError('CANCELLED', `demo ${runId} interrupted`));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  /** Waits for a step, or for Ctrl-C. */
  const step = <T>(work: Promise<T>): Promise<T> => Promise.race([work, aborted]);

  try {
    let redisUrl = environment.redisUrl;
    if (redisUrl === undefined) {
      const redis = await step(startPrivateRedis({ fleet, dir: join(demoDir, 'redis') }));
      servers.push(redis.child);
      redisUrl = redis.url;
      progress.note(`  redis: private redis-server on ${redis.url}`);
    } else {
      progress.note(`  redis: ${redisUrl} (REDIS_URL), queue prefix {${runId}}`);
    }
    const simPort = await freePort();
    const [sandbox, sim] = await step(
      Promise.all([
        // A uid range of its own: another sandbox on this host (a second demo, a test) may hold
        // the default one.
        startSandbox(ctx, { workers: 2, uidBase: 64_000 + 8 * randomInt(0, 250) }),
        // A simulator restarted after a crash serves what the run deployed last, not r0.
        startSimulator(ctx, simPort, () => {
          const checkpoint = deployedCheckpoint(runDir);
          return checkpoint === null ? [] : ['--checkpoint', checkpoint];
        }),
      ]),
    );
    servers.push(sandbox, sim);
    progress.note(`  sandbox: gRPC ${sandbox.address}; simulator: ${sim.url} (SIMULATED)`);

    const corpusPath = join(demoDir, 'corpus.jsonl');
    await step(writeSynthCorpus(corpusPath, options.problems, options.seed));
    const planText = renderLocalPlan(await readFile(LOCAL_SIM_PLAN, 'utf8'), {
      corpusPath,
      storeDir,
      redisUrl,
      redisPrefix: `{${runId}}`,
      sandboxAddresses: [sandbox.address],
      simUrl: sim.url,
      name: 'demo',
      seed: options.seed,
      shardSize: demoShardSize(options.problems, options.workers),
      rounds: options.rounds,
      ...(options.evalProblems === 0 ? {} : { evaluate: demoEvaluateSection() }),
    });
    const planPath = join(demoDir, 'plan.yaml');
    await writeFile(planPath, planText);
    const plan = parsePlan(planText, planPath);

    const workers = await step(
      Promise.all(
        Array.from({ length: options.workers }, (_, i) =>
          startWorker(ctx, {
            planPath,
            name: `worker-${i + 1}`,
            graceMs: STOP_GRACE_MS.worker,
            lockDurationMs: WORKER_LOCK_MS,
            // One rollout at a time per tree, as the simulator was calibrated (sequential MCTS
            // selects with every earlier rollout's result); problems in flight keep the fleet busy.
            treeConcurrency: 1,
          }),
        ),
      ),
    );
    services.push(...workers);
    progress.note(`  workers: ${workers.length} (pids ${workers.map((w) => w.pid).join(', ')})`);

    orchestrator = await Orchestrator.open(
      plan,
      {
        planText,
        run: runId,
        cliScript: environment.cliScript,
        hookEnv: environment.env,
        closeGraceMs: STOP_GRACE_MS.orchestrator,
        leaseMs: DEFAULT_LEASE_MS,
        logger: fileLogger((line) => logTo('orchestrator', line)),
        // The held-out split of the corpus's own family (its seed): problems never searched.
        evalSources: {
          dir: DEFAULT_BENCHMARKS_DIR,
          synth: { seed: options.seed, count: options.evalProblems },
        },
      },
      withEvalNotes(progress),
    );
    const orch = orchestrator;
    // A dependency a worker cannot reach shows on the progress line within seconds.
    let polling = false;
    healthTimer = setInterval(() => {
      if (polling) return;
      polling = true;
      orch
        .status()
        .then((status) => progress.health(status))
        .catch(() => undefined)
        .finally(() => (polling = false));
    }, HEALTH_POLL_MS);
    // A crashed service is restarted (its shards run again, exactly once by key); only one that
    // keeps crashing ends the demo, with the reason.
    const crashLoop = fleet.crashLoop.catch((err: CrashLoopError) => {
      throw new RstarError(
        err.code,
        `${err.message}; its log: ${join(logDir, `${err.child}.log`)}`,
        { cause: err },
      );
    });
    const state = await Promise.race([step(orch.start().then(() => orch.done)), crashLoop]);
    // The model each round searched with is its manifest's (run.json records progress only).
    const store = await openStore(plan.store);
    const policies = new Map<number, string>();
    for (const r of state.rounds) {
      const manifest = await readManifest(store, state.run, r.round);
      if (manifest !== null) policies.set(r.round, manifest.policy.model);
    }
    return {
      rounds: demoRows(progress.rounds, plan.rounds, policies),
      evalTable: await readEvalTable(store, state.run),
      runDir,
      state,
      wallSeconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    if (signal.aborted) cancelled();
    throw err;
  } finally {
    clearInterval(healthTimer);
    progress.stop();
    if (signal.aborted) progress.note('  stopping the fleet...');
    // Bounded, in order: the orchestrator (stops taking round jobs), the workers (release their
    // shards), then the servers. Each stop is SIGTERM, a grace, then SIGKILL of its group.
    await orchestrator?.close().catch(() => undefined);
    await Promise.all(services.map((s) => s.stop(STOP_GRACE_MS.worker)));
    await Promise.all(servers.map((s) => s.stop(STOP_GRACE_MS.server)));
    // Whatever started before a sibling's start failed (Promise.all above) goes too.
    await fleet.stop();
    // Redis held only coordination state; the run's outputs are all in the store.
    await rm(join(demoDir, 'redis'), { recursive: true, force: true });
    await Promise.all(
      [...logs.values()].map((s) => new Promise<void>((done) => s.end(() => done()))),
    );
  }
}

/** The in-process orchestrator's log, as JSON lines in the demo's log folder. */
function fileLogger(write: (line: string) => void): FleetLogger {
  const line = (level: string) => (fields: object, msg: string) =>
    write(JSON.stringify({ level, time: Date.now(), ...fields, msg }));
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
