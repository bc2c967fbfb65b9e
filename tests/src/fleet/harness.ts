import { execFile } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeSynthCorpus } from '@rstar-fleet/corpus';
import type { PairRow, SftRow } from '@rstar-fleet/mcts';
import type { RoundStats, RunState, RunStatus } from '@rstar-fleet/orchestration';
import {
  LocalFleet,
  freePort,
  jsonLine,
  killAllChildren,
  readyOnLogMessage,
  startPrivateRedis,
  type ChildExit,
  type PrivateRedis,
  type SupervisedChild,
} from '@rstar-fleet/local-fleet';
import {
  LOCAL_SIM_PLAN,
  deployedCheckpoint,
  renderLocalPlan,
  startSandbox,
  startSimulator,
  startWorker,
  type LaunchContext,
  type RoundBudget,
  type SandboxService,
  type SimulatorService,
  type WorkerLaunch,
  type WorkerService,
} from '@rstar-fleet/cli';
import { parseSearchRecordJson, type SearchRecord } from '@rstar-fleet/protocol';
import { createRedis, runLeaseKey } from '@rstar-fleet/queue';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { testUidBase } from '@rstar-fleet/sandbox/testing';

/**
 * The whole fleet for a cross-process test, every service a separate process started through
 * the installed CLI exactly as an operator would: a private Redis (or REDIS_URL with a unique
 * prefix), the gRPC sandbox, the SIMULATED model server on a fixed free port (so it can be
 * stopped and started again where the plan points), N rollout workers, and the orchestrator
 * (`rstar-fleet run`). The plan is examples/local-sim.yaml with the addresses, store, prefix and
 * small budgets substituted. Teardown is bounded and reaches every process group, also when a
 * test fails half-way.
 */

const execFileAsync = promisify(execFile);
export const repoRoot = join(__dirname, '..', '..', '..');
export const cliScript = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');

/**
 * Budgets small enough for a test: a few seconds of search per round on 2 cores. Rounds 2–3
 * need 4 rollouts: with rStar's answer collapse (the default) 2 rollouts of 12 problems can end
 * with no PPM pair at all, and the round gate then stops the run.
 */
export const SMALL_BUDGETS: readonly RoundBudget[] = [
  { rollouts: 2, candidates: 2 },
  { rollouts: 4, candidates: 3 },
  { rollouts: 4, candidates: 3 },
  { rollouts: 2, candidates: 3, trees: 2, escalation: [3] },
];

export interface FleetTestOptions {
  /** Synthetic problems in the corpus. Default 12. */
  problems?: number;
  /** Synthetic family seed (and search seed). Default 1. */
  seed?: number;
  /** Raw lines appended to the corpus (malformed records, duplicates). */
  extraCorpusLines?: readonly string[];
  /** Rollout workers started with the fleet. Default 2. */
  workers?: number;
  /** Flags of every worker. */
  worker?: Partial<Omit<WorkerLaunch, 'planPath' | 'name'>>;
  /** Problems per shard. Default 3. */
  shardSize?: number;
  /** Rounds of the plan (1–4). Default 4. */
  rounds?: number;
  budgets?: readonly (RoundBudget | undefined)[];
  /** Always start a private redis-server (tests that restart Redis). Default: REDIS_URL if set. */
  privateRedis?: boolean;
  /** Run id passed to `rstar-fleet run`. Default `fleet-<random>`. */
  run?: string;
  /** `--lease-ms` of every orchestrator the fleet starts. Default: the CLI's (30 s). */
  leaseMs?: number;
  /** The plan's policy endpoint (e.g. a proxy in front of the simulator). Default the simulator. */
  policyUrl?: string;
  /** More flags of `rstar-fleet run` (e.g. `--shard-attempts 2`). */
  orchestratorArgs?: readonly string[];
  /** Edits the rendered plan text before it is written (e.g. another train hook). */
  editPlan?: (planText: string) => string;
}

export interface OrchestratorProcess extends SupervisedChild<{ httpPort: number }> {
  /** Everything it wrote, for assertions on its final line. */
  readonly output: () => string;
}

export interface RoundFiles {
  dir: string;
  records: SearchRecord[];
  /** Result files by shard index (the raw lines, to check exactly-once). */
  resultLines: Map<number, string[]>;
  sft: SftRow[];
  sftLines: string[];
  pairs: PairRow[];
  pairLines: string[];
  unsolved: unknown[];
  stats: RoundStats;
}

export interface TestFleet {
  readonly dir: string;
  readonly storeDir: string;
  readonly runDir: string;
  readonly corpusPath: string;
  readonly planPath: string;
  readonly prefix: string;
  readonly run: string;
  readonly redisUrl: string;
  readonly sandbox: SandboxService;
  /** The running simulator, or null while stopped. */
  readonly sim: SimulatorService | null;
  readonly simUrl: string;
  /** Workers started so far (killed ones included; see `running()`). */
  readonly workers: WorkerService[];
  /** Stops the sandbox (SIGTERM, then SIGKILL after 5 s): an outage for the workers. */
  stopSandbox(): Promise<void>;
  /** Starts the sandbox again on the port of the first one (where the plan points). */
  startSandbox(): Promise<void>;
  /** One more worker (`worker-<n>`). */
  addWorker(): Promise<WorkerService>;
  /** `kill -9` of a worker process. */
  killWorker(index: number): Promise<ChildExit>;
  /** Restarts the private Redis (AOF replay brings the queues back). */
  restartRedis(how?: 'SIGTERM' | 'SIGKILL', downMs?: number): Promise<void>;
  stopSimulator(): Promise<void>;
  startSimulator(): Promise<void>;
  /** `rstar-fleet run --plan ... --run ... --no-progress --http-port 0`, once it is ready. */
  startOrchestrator(): Promise<OrchestratorProcess>;
  /** Starts the orchestrator and waits for it to exit; rejects on a non-zero exit. */
  runToCompletion(timeoutMs?: number): Promise<OrchestratorProcess>;
  /** `rstar-fleet status --json` (a separate process, as an operator runs it). */
  status(): Promise<RunStatus>;
  runState(): RunState;
  readRound(round: number): Promise<RoundFiles>;
  /** Every line a service wrote, per service, for failure messages. */
  logTail(lines?: number): string;
  teardown(): Promise<void>;
}

let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort (jest killing the worker, an uncaught error): no process may outlive the test.
  process.once('exit', killAllChildren);
}

/** REDIS_URL when the environment gives one (CI with a Redis service), else undefined. */
function redisUrlFromEnv(): string | undefined {
  // eslint-disable-next-line no-restricted-properties -- test edge: CI may provide a Redis
  const url = process.env.REDIS_URL;
  return url === undefined || url === '' ? undefined : url;
}

/**
 * The Redis a fleet uses: REDIS_URL when given (and a private one is not required), else a
 * private redis-server (returned, so the caller can restart and stop it).
 */
async function resolveRedis(
  privateRedis: boolean | undefined,
): Promise<{ url: string; server: PrivateRedis | null }> {
  const given = privateRedis === true ? undefined : redisUrlFromEnv();
  if (given !== undefined) return { url: given, server: null };
  const server = await startPrivateRedis();
  return { url: server.url, server };
}

/**
 * How the harness starts services: this checkout's CLI, a minimal env, every line kept, under a
 * supervisor that leaves a crashed service down (the tests crash and restart them on purpose).
 */
function launchContext(dir: string, lines: string[]): LaunchContext {
  const logPath = join(dir, 'services.log');
  const fleet = new LocalFleet({
    restart: 'never',
    readyTimeoutMs: 60_000,
    onLine: (service, line) => {
      const entry = `${service}: ${line}`;
      lines.push(entry);
      if (lines.length > 5000) lines.splice(0, lines.length - 5000);
      appendFileSync(logPath, `${entry}\n`);
    },
  });
  return {
    cliScript,
    cwd: dir,
    env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: dir },
    fleet,
  };
}

export async function startFleet(options: FleetTestOptions = {}): Promise<TestFleet> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'rstar-fleet-'));
  const storeDir = join(dir, 'store');
  const run = options.run ?? `fleet-${Math.random().toString(16).slice(2, 10)}`;
  const prefix = uniquePrefix('fleet');
  const lines: string[] = [];
  const ctx = launchContext(dir, lines);
  const cleanups: (() => Promise<unknown>)[] = [];
  let redis: PrivateRedis | null = null;
  let sim: SimulatorService | null = null;
  const workers: WorkerService[] = [];
  const orchestrators: OrchestratorProcess[] = [];

  const teardown = async (): Promise<void> => {
    // Orchestrators and workers first (they hold Redis connections), then the servers.
    const stopAll = (services: SupervisedChild<unknown>[], graceMs: number): Promise<unknown> =>
      Promise.all(services.map((s) => s.stop(graceMs)));
    await stopAll(orchestrators, 5_000);
    await stopAll(workers, 5_000);
    await Promise.all([sim?.stop(3_000), ...cleanups.map((c) => c())]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const resolved = await resolveRedis(options.privateRedis);
    redis = resolved.server;
    const redisUrl = resolved.url;

    const corpusPath = join(dir, 'corpus.jsonl');
    await writeSynthCorpus(corpusPath, options.problems ?? 12, options.seed ?? 1);
    if (options.extraCorpusLines !== undefined) {
      appendFileSync(corpusPath, options.extraCorpusLines.map((l) => `${l}\n`).join(''));
    }

    let sandbox = await startSandbox(ctx, { workers: 2, uidBase: testUidBase() });
    cleanups.push(() => sandbox.stop(5_000));
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    sim = await startSimulator(ctx, simPort);

    const planText = renderLocalPlan(readFileSync(LOCAL_SIM_PLAN, 'utf8'), {
      corpusPath,
      storeDir,
      redisUrl,
      redisPrefix: prefix,
      sandboxAddresses: [sandbox.address],
      simUrl,
      policyUrl: options.policyUrl,
      name: 'fleet-test',
      seed: options.seed ?? 1,
      shardSize: options.shardSize ?? 3,
      rounds: options.rounds ?? 4,
      budgets: options.budgets ?? SMALL_BUDGETS,
    });
    const planPath = join(dir, 'plan.yaml');
    const edit = options.editPlan ?? ((text: string): string => text);
    writeFileSync(planPath, edit(planText));

    let named = 0;
    const addWorker = async (): Promise<WorkerService> => {
      // Numbered before the first await, so workers started together get distinct names.
      const name = `worker-${++named}`;
      const worker = await startWorker(ctx, {
        planPath,
        name,
        graceMs: 5_000,
        ...options.worker,
      });
      workers.push(worker);
      return worker;
    };
    await Promise.all(Array.from({ length: options.workers ?? 2 }, () => addWorker()));

    const startOrchestrator = async (): Promise<OrchestratorProcess> => {
      let output = '';
      // A supervisor of its own: every line it writes is also kept whole for the assertions.
      const own = new LocalFleet({
        restart: 'never',
        readyTimeoutMs: 60_000,
        onLine: (_, line) => {
          output += `${line}\n`;
          ctx.fleet.options.onLine('orchestrator', line);
        },
      });
      const orch = await own.start({
        name: `orchestrator-${orchestrators.length + 1}`,
        args: [
          cliScript,
          'run',
          ...['--plan', planPath, '--run', run, '--http-port', '0', '--no-progress'],
          ...(options.leaseMs === undefined ? [] : ['--lease-ms', String(options.leaseMs)]),
          ...(options.orchestratorArgs ?? []),
        ],
        cwd: dir,
        env: ctx.env,
        ready: readyOnLogMessage('orchestrator ready', (entry) =>
          typeof entry.httpPort === 'number' ? { httpPort: entry.httpPort } : undefined,
        ),
      });
      const handle = Object.assign(orch, { output: () => output });
      orchestrators.push(handle);
      return handle;
    };

    const fleet: TestFleet = {
      dir,
      storeDir,
      runDir: join(storeDir, 'runs', run),
      corpusPath,
      planPath,
      prefix,
      run,
      redisUrl,
      get sandbox() {
        return sandbox;
      },
      get sim() {
        return sim;
      },
      simUrl,
      workers,
      stopSandbox: async () => {
        await sandbox.stop(5_000);
      },
      startSandbox: async () => {
        if (sandbox.running()) return;
        const port = sandbox.info.grpcPort;
        sandbox = await startSandbox(ctx, { workers: 2, uidBase: testUidBase(), port });
      },
      addWorker,
      killWorker: async (index) => {
        const worker = workers[index];
        if (worker === undefined) throw new Error(`no worker ${index}`);
        return worker.kill('SIGKILL');
      },
      restartRedis: async (how = 'SIGKILL', downMs = 1_000) => {
        if (redis === null) throw new Error('Redis is REDIS_URL, not private: cannot restart it');
        await redis.restart(how, downMs);
      },
      stopSimulator: async () => {
        await sim?.stop(3_000);
        sim = null;
      },
      startSimulator: async () => {
        if (sim?.running() === true) return;
        // As a restarted inference server comes back with the model it was deployed with.
        const deployed = deployedCheckpoint(join(storeDir, 'runs', run));
        sim = await startSimulator(
          ctx,
          simPort,
          deployed === null ? [] : ['--checkpoint', deployed],
        );
      },
      startOrchestrator,
      runToCompletion: async (timeoutMs = 240_000) => {
        const orch = await startOrchestrator();
        let timer: NodeJS.Timeout | undefined;
        const how = await Promise.race([
          orch.exited,
          new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (how === 'timeout' || how.code !== 0) {
          throw new Error(
            `rstar-fleet run did not finish (${how === 'timeout' ? `still running after ${timeoutMs} ms` : `exit ${how.code ?? how.signal}`}):\n` +
              fleet.logTail(80),
          );
        }
        return orch;
      },
      status: async () => {
        const { stdout } = await execFileAsync(
          process.execPath,
          [cliScript, 'status', '--plan', planPath, '--run', run, '--json'],
          { cwd: dir, env: ctx.env, timeout: 30_000 },
        );
        return JSON.parse(stdout) as RunStatus;
      },
      runState: () =>
        JSON.parse(readFileSync(join(storeDir, 'runs', run, 'run.json'), 'utf8')) as RunState,
      readRound: (round) => readRoundFiles(join(storeDir, 'runs', run, `round-${round}`)),
      logTail: (n = 60) => lines.slice(-n).join('\n'),
      teardown,
    };
    return fleet;
  } catch (err) {
    await teardown();
    throw err;
  }
}

export interface FleetServices {
  /** Scratch directory of the services (their cwd and log); removed by teardown. */
  readonly dir: string;
  readonly redisUrl: string;
  readonly sandbox: SandboxService;
  /** The running simulator (throws while it is stopped). */
  readonly sim: SimulatorService;
  /** Where the simulator serves (a fixed port, also while it is stopped). */
  readonly simUrl: string;
  /** Stops the simulator (an inference outage for the workers). */
  stopSimulator(): Promise<void>;
  /** Starts it again on the same port, on its base checkpoint. */
  startSimulator(): Promise<void>;
  /** Workers started so far (stopped ones included). */
  readonly workers: WorkerService[];
  /** `count` more `rstar-fleet worker --plan planPath` processes, once they are ready. */
  startWorkers(
    planPath: string,
    count: number,
    launch?: Partial<Omit<WorkerLaunch, 'planPath' | 'name'>>,
  ): Promise<WorkerService[]>;
  /** SIGTERM (then SIGKILL after the grace) to every running worker. */
  stopWorkers(graceMs?: number): Promise<void>;
  /** Every line a service wrote, for failure messages. */
  logTail(lines?: number): string;
  teardown(): Promise<void>;
}

/**
 * The fleet's services without a plan of the harness's making, for suites that write their own
 * plan (and may drive the orchestrator in process): Redis (private, or REDIS_URL), the gRPC
 * sandbox and the SIMULATED model server as processes, and `rstar-fleet worker` processes on
 * demand for whatever plan file the test wrote. Teardown is bounded like startFleet's.
 */
export async function startFleetServices(
  options: Pick<FleetTestOptions, 'privateRedis'> = {},
): Promise<FleetServices> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'rstar-services-'));
  const lines: string[] = [];
  const ctx = launchContext(dir, lines);
  const workers: WorkerService[] = [];
  let started = 0;
  let redis: PrivateRedis | null = null;
  let sandbox: SandboxService | null = null;
  let sim: SimulatorService | null = null;
  const stopWorkers = async (graceMs = 5_000): Promise<void> => {
    await Promise.all(workers.map((w) => w.stop(graceMs)));
  };
  const teardown = async (): Promise<void> => {
    await stopWorkers();
    await Promise.all([sim?.stop(3_000), sandbox?.stop(5_000)]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const resolved = await resolveRedis(options.privateRedis);
    redis = resolved.server;
    const redisUrl = resolved.url;
    const simPort = await freePort();
    [sandbox, sim] = await Promise.all([
      startSandbox(ctx, { workers: 2, uidBase: testUidBase() }),
      startSimulator(ctx, simPort),
    ]);
    const services: FleetServices = {
      dir,
      redisUrl,
      sandbox,
      get sim() {
        if (sim === null) throw new Error('the simulator is stopped');
        return sim;
      },
      simUrl: `http://127.0.0.1:${simPort}`,
      stopSimulator: async () => {
        await sim?.stop(3_000);
        sim = null;
      },
      startSimulator: async () => {
        if (sim?.running() === true) return;
        sim = await startSimulator(ctx, simPort);
      },
      workers,
      startWorkers: (planPath, count, launch = {}) =>
        Promise.all(
          Array.from({ length: count }, async () => {
            // Named up front: the starts run concurrently, so workers.length is not yet theirs.
            const name = `worker-${++started}`;
            const worker = await startWorker(ctx, {
              planPath,
              name,
              graceMs: 5_000,
              ...launch,
            });
            workers.push(worker);
            return worker;
          }),
        ),
      stopWorkers,
      logTail: (n = 60) => lines.slice(-n).join('\n'),
      teardown,
    };
    return services;
  } catch (err) {
    await teardown();
    throw err;
  }
}

/**
 * Processes running in `dir` or below it as `<pid> <command line>` (the demo starts every service
 * with the store as its cwd; redis-server moves to its data directory).
 */
export function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) {
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Shard jobs a worker has started and not yet finished, from its log lines. */
export function activeShards(worker: WorkerService): { round: number; shard: number }[] {
  const active = new Map<string, { round: number; shard: number }>();
  for (const line of worker.logs) {
    const entry = jsonLine(line);
    if (typeof entry?.job !== 'string') continue;
    if (entry.msg === 'shard started') {
      active.set(entry.job, { round: Number(entry.round), shard: Number(entry.shard) });
    } else if (
      typeof entry.msg === 'string' &&
      /^shard (completed|released|failed)/.test(entry.msg)
    ) {
      active.delete(entry.job);
    }
  }
  return [...active.values()];
}

/** Lines in a shard's results file so far (0 when it does not exist yet). */
export function resultLineCount(runDir: string, round: number, shard: number): number {
  try {
    const text = readFileSync(join(runDir, `round-${round}`, 'results', `${shard}.jsonl`), 'utf8');
    return text.split('\n').filter((l) => l !== '').length;
  } catch {
    return 0;
  }
}

const jsonlLines = async (path: string): Promise<string[]> =>
  (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

/** Reads a round directory of the store (`runs/<run>/round-<r>/`). */
export async function readRoundFiles(dir: string): Promise<RoundFiles> {
  const resultLines = new Map<number, string[]>();
  const records: SearchRecord[] = [];
  for (const name of readdirSync(join(dir, 'results')).sort()) {
    const shard = Number(name.replace(/\.jsonl$/, ''));
    const fileLines = await jsonlLines(join(dir, 'results', name));
    resultLines.set(shard, fileLines);
    fileLines.forEach((line, i) =>
      records.push(parseSearchRecordJson(line, { source: `results/${name}`, line: i + 1 })),
    );
  }
  const sftLines = await jsonlLines(join(dir, 'sft.jsonl'));
  const pairLines = await jsonlLines(join(dir, 'ppm_pairs.jsonl'));
  return {
    dir,
    records,
    resultLines,
    sft: sftLines.map((l) => JSON.parse(l) as SftRow),
    sftLines,
    pairs: pairLines.map((l) => JSON.parse(l) as PairRow),
    pairLines,
    unsolved: (await jsonlLines(join(dir, 'unsolved.jsonl'))).map((l) => JSON.parse(l) as unknown),
    stats: JSON.parse(await readFile(join(dir, 'stats.json'), 'utf8')) as RoundStats,
  };
}

/** Polls `condition` until it holds (or fails after `timeoutMs`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Search units (`problemId@seed`) written in a round's results, with their counts. */
export function unitCounts(files: RoundFiles): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of files.records) {
    const key = `${record.problemId}@${record.search.seed}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Checks one round's files against each other; returns the problem ids it solved. */
export function expectConsistentRound(files: RoundFiles, problems: number): Set<string> {
  const { stats, records, sft, pairs, sftLines, pairLines } = files;
  // Every search unit exactly once, every problem searched.
  for (const [unit, count] of unitCounts(files)) expect([unit, count]).toEqual([unit, 1]);
  expect(new Set(records.map((r) => r.problemId)).size).toBe(problems);
  expect(stats.records).toBe(records.length);
  expect(stats.problems).toBe(problems);
  expect(stats.missing).toBe(0);
  // Solved = any unit of the problem found a correct answer.
  const solved = new Set(records.filter((r) => r.stats.solved).map((r) => r.problemId));
  expect(stats.solved).toBe(solved.size);
  expect(stats.unsolved).toBe(problems - solved.size);
  expect(files.unsolved).toHaveLength(problems - solved.size);
  // Counters are the sums over the records.
  const sum = (pick: (r: (typeof records)[number]) => number): number =>
    records.reduce((s, r) => s + pick(r), 0);
  expect(stats.rollouts).toBe(sum((r) => r.stats.rollouts));
  expect(stats.expansions).toBe(sum((r) => r.stats.expansions));
  expect(stats.sandboxExecutions).toBe(sum((r) => r.stats.executions));
  // Datasets: counted in stats, no duplicate rows, only from solved problems.
  expect(sft).toHaveLength(stats.sftRows);
  expect(pairs).toHaveLength(stats.pairs);
  expect(new Set(sftLines).size).toBe(sftLines.length);
  expect(new Set(pairLines).size).toBe(pairLines.length);
  for (const row of sft) expect(solved.has(row.problem_id)).toBe(true);
  for (const pair of pairs) expect(pair.chosen_q).toBeGreaterThan(pair.rejected_q);
  return solved;
}

/** What a CLI process that ran to its end left behind. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `rstar-fleet <args>` in the fleet's directory with the services' environment, waited for to
 * its exit (whatever its code; a process still running after `timeoutMs` is killed).
 */
export async function runCli(
  fleet: TestFleet,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cliScript, ...args], {
      cwd: fleet.dir,
      env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: fleet.dir },
      timeout: timeoutMs,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Resolves once the run's orchestrator lease is gone from Redis (released or expired). */
export async function waitForLeaseFree(fleet: TestFleet, timeoutMs: number): Promise<void> {
  const redis = createRedis({ url: fleet.redisUrl, role: 'producer', connectionName: 'test' });
  await redis.connect();
  try {
    const key = runLeaseKey(fleet.prefix, fleet.run);
    await waitFor(async () => (await redis.exists(key)) === 0, timeoutMs, `lease ${key} free`);
  } finally {
    redis.disconnect();
  }
}
