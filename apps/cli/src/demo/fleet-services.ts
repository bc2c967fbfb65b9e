import {
  freePort,
  readyOnHttp,
  readyOnLogMessage,
  type LocalFleet,
  type Readiness,
  type SupervisedChild,
} from '@rstar-fleet/local-fleet';

/**
 * How each service of a local fleet is started under the supervisor (@rstar-fleet/local-fleet):
 * this Node, this checkout's CLI, and a readiness check per service. Every service that clients
 * find by address (the sandbox, the simulator) gets a fixed port, so a restart after a crash
 * comes back where the plan points. The private Redis is local-fleet's `startPrivateRedis`.
 */
export interface LaunchContext {
  /** apps/cli/bin/rstar-fleet.js (or the compiled main of this installation). */
  cliScript: string;
  cwd?: string;
  /** The services' whole environment (PATH and HOME at least). */
  env: Record<string, string | undefined>;
  /** The supervisor: restart policy, deadlines, where events and output lines go. */
  fleet: LocalFleet;
}

function cli<T>(
  ctx: LaunchContext,
  name: string,
  args: readonly string[] | (() => readonly string[]),
  ready: Readiness<T>,
  stopGraceMs?: number,
): Promise<SupervisedChild<T>> {
  return ctx.fleet.start({
    name,
    args: typeof args === 'function' ? () => [ctx.cliScript, ...args()] : [ctx.cliScript, ...args],
    cwd: ctx.cwd,
    env: ctx.env,
    ready,
    stopGraceMs,
  });
}

// ---------------------------------------------------------------------------------------------

export type SandboxService = SupervisedChild<{ grpcPort: number; metricsPort: number }> & {
  readonly address: string;
};

export interface SandboxLaunch {
  /** Fork-servers (executions in parallel). Default 2. */
  workers?: number;
  /** Slot uids (one sandbox per uid range per host). Default the sandbox's. */
  uidBase?: number;
  /** Its gRPC port. Default a free one (kept across restarts). */
  port?: number;
  args?: readonly string[];
}

export async function startSandbox(
  ctx: LaunchContext,
  options: SandboxLaunch = {},
): Promise<SandboxService> {
  const port = options.port ?? (await freePort());
  const service = await cli(
    ctx,
    'sandbox',
    [
      'sandbox',
      '--host=127.0.0.1',
      `--port=${port}`,
      '--metrics-port=0',
      `--workers=${options.workers ?? 2}`,
      ...(options.uidBase === undefined ? [] : [`--uid-base=${options.uidBase}`]),
      ...(options.args ?? []),
    ],
    readyOnLogMessage('sandbox serving', (entry) =>
      typeof entry.grpcPort === 'number' && typeof entry.metricsPort === 'number'
        ? { grpcPort: entry.grpcPort, metricsPort: entry.metricsPort }
        : undefined,
    ),
  );
  return Object.assign(service, { address: `127.0.0.1:${port}` });
}

// ---------------------------------------------------------------------------------------------

export type SimulatorService = SupervisedChild<{ url: string }> & { readonly url: string };

/**
 * The SIMULATED model server on `port` (a fixed port: a restart, or a stop and start, comes back
 * where the plan points). `args` may be a function, called at every start: a simulator restarted
 * after a crash must serve the checkpoint the run is at, not the one it first loaded.
 */
export async function startSimulator(
  ctx: LaunchContext,
  port: number,
  args: readonly string[] | (() => readonly string[]) = [],
): Promise<SimulatorService> {
  const base = ['model-sim', '--host', '127.0.0.1', '--port', String(port)];
  const url = `http://127.0.0.1:${port}`;
  const service = await cli(
    ctx,
    'model-sim',
    typeof args === 'function' ? () => [...base, ...args()] : [...base, ...args],
    readyOnHttp(`${url}/health`),
  );
  return Object.assign(service, { url });
}

// ---------------------------------------------------------------------------------------------

export type WorkerService = SupervisedChild<{ httpPort: number }>;

export interface WorkerLaunch {
  planPath: string;
  name: string;
  concurrency?: number;
  problemsInFlight?: number;
  treeConcurrency?: number;
  /** On SIGTERM, how long its shards may finish; also its stop grace here (plus 5 s). */
  graceMs?: number;
  /** BullMQ lock of its shard jobs: how soon a killed worker's shard runs again elsewhere. */
  lockDurationMs?: number;
  args?: readonly string[];
}

export function startWorker(ctx: LaunchContext, options: WorkerLaunch): Promise<WorkerService> {
  const flag = (name: string, value: number | undefined): string[] =>
    value === undefined ? [] : [`--${name}`, String(value)];
  return cli(
    ctx,
    options.name,
    [
      'worker',
      '--plan',
      options.planPath,
      '--name',
      options.name,
      '--http-port',
      '0',
      ...flag('concurrency', options.concurrency),
      ...flag('problems-in-flight', options.problemsInFlight),
      ...flag('tree-concurrency', options.treeConcurrency),
      ...flag('grace-ms', options.graceMs),
      ...flag('lock-duration-ms', options.lockDurationMs),
      ...(options.args ?? []),
    ],
    readyOnLogMessage('worker ready', (entry) =>
      typeof entry.httpPort === 'number' ? { httpPort: entry.httpPort } : undefined,
    ),
    options.graceMs === undefined ? undefined : options.graceMs + 5_000,
  );
}
