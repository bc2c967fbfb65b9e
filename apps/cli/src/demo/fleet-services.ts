import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RstarError } from '@rstar-fleet/protocol';
import { findRedisServer, freePort, privateRedisArgs } from '@rstar-fleet/queue';
import { jsonLine, startChildService, type ChildService } from './child-service';

export { findRedisServer, freePort };

/** How every fleet service is started: this Node, this checkout's CLI. */
export interface LaunchContext {
  /** apps/cli/bin/rstar-fleet.js (or the compiled main of this installation). */
  cliScript: string;
  cwd?: string;
  /** The services' whole environment (PATH and HOME at least). */
  env: Record<string, string | undefined>;
  /** Every line a service writes, e.g. to a log file. */
  onLine?: (service: string, line: string) => void;
  readyTimeoutMs?: number;
}

function cli<T>(
  ctx: LaunchContext,
  name: string,
  args: readonly string[],
  ready: (line: string) => T | undefined,
): Promise<ChildService<T>> {
  return startChildService({
    name,
    args: [ctx.cliScript, ...args],
    cwd: ctx.cwd,
    env: ctx.env,
    ready,
    readyTimeoutMs: ctx.readyTimeoutMs,
    onLine: ctx.onLine === undefined ? undefined : (line) => ctx.onLine?.(name, line),
  });
}

// ---------------------------------------------------------------------------------------------

export interface RedisService extends ChildService<{ port: number }> {
  readonly url: string;
  readonly dir: string;
}

/**
 * A private redis-server on a free port with its data in `dir`: AOF (`everysec`) and
 * `noeviction`, as the fleet wants Redis run.
 */
export async function startPrivateRedis(
  ctx: LaunchContext,
  dir = mkdtempSync(join(tmpdir(), 'rstar-redis-')),
): Promise<RedisService> {
  const binary = findRedisServer();
  if (binary === null) {
    throw new RstarError(
      'FAILED_PRECONDITION',
      'no Redis: set REDIS_URL, or install redis-server (e.g. apt-get install redis-server)',
    );
  }
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const service = await startChildService({
    name: 'redis',
    command: binary,
    args: [...privateRedisArgs(port, dir), '--loglevel', 'notice'],
    env: ctx.env,
    ready: (line) => (line.includes('Ready to accept connections') ? { port } : undefined),
    readyTimeoutMs: ctx.readyTimeoutMs,
    onLine: ctx.onLine === undefined ? undefined : (line) => ctx.onLine?.('redis', line),
  });
  return Object.assign(service, { url: `redis://127.0.0.1:${port}`, dir });
}

// ---------------------------------------------------------------------------------------------

export type SandboxService = ChildService<{ grpcPort: number; metricsPort: number }> & {
  readonly address: string;
};

export interface SandboxLaunch {
  /** Fork-servers (executions in parallel). Default 2. */
  workers?: number;
  /** Slot uids (one sandbox per uid range per host). Default the sandbox's. */
  uidBase?: number;
  args?: readonly string[];
}

export async function startSandbox(
  ctx: LaunchContext,
  options: SandboxLaunch = {},
): Promise<SandboxService> {
  const service = await cli(
    ctx,
    'sandbox',
    [
      'sandbox',
      '--host=127.0.0.1',
      '--port=0',
      '--metrics-port=0',
      `--workers=${options.workers ?? 2}`,
      ...(options.uidBase === undefined ? [] : [`--uid-base=${options.uidBase}`]),
      ...(options.args ?? []),
    ],
    (line) => {
      const entry = jsonLine(line);
      return entry?.msg === 'sandbox serving' &&
        typeof entry.grpcPort === 'number' &&
        typeof entry.metricsPort === 'number'
        ? { grpcPort: entry.grpcPort, metricsPort: entry.metricsPort }
        : undefined;
    },
  );
  return Object.assign(service, { address: `127.0.0.1:${service.info.grpcPort}` });
}

// ---------------------------------------------------------------------------------------------

export type SimulatorService = ChildService<{ port: number }> & { readonly url: string };

/**
 * The SIMULATED model server on `port` (a fixed port, so it can be stopped and started again
 * where the plan points).
 */
export async function startSimulator(
  ctx: LaunchContext,
  port: number,
  args: readonly string[] = [],
): Promise<SimulatorService> {
  const service = await cli(
    ctx,
    'model-sim',
    ['model-sim', '--host', '127.0.0.1', '--port', String(port), ...args],
    (line) => {
      const m = /SIMULATOR \(not a model\) serving .* on http:\/\/[^:]+:(\d+)/.exec(line);
      return m === null ? undefined : { port: Number(m[1]) };
    },
  );
  return Object.assign(service, { url: `http://127.0.0.1:${service.info.port}` });
}

// ---------------------------------------------------------------------------------------------

export type WorkerService = ChildService<{ httpPort: number }>;

export interface WorkerLaunch {
  planPath: string;
  name: string;
  concurrency?: number;
  problemsInFlight?: number;
  treeConcurrency?: number;
  graceMs?: number;
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
      ...(options.args ?? []),
    ],
    (line) => {
      const entry = jsonLine(line);
      return entry?.msg === 'worker ready' && typeof entry.httpPort === 'number'
        ? { httpPort: entry.httpPort }
        : undefined;
    },
  );
}
