import { dirname, join } from 'node:path';
import {
  LocalFleet,
  readyOnLogMessage,
  type ChildExit,
  type SupervisedChild,
} from '@rstar-fleet/local-fleet';
import { SandboxClient } from '@rstar-fleet/protocol/sandbox';
import { processesOfUids, testUidBase } from '@rstar-fleet/sandbox/testing';

const repoRoot = join(__dirname, '..', '..', '..');
const cli = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');

/** Planted in the service's environment; no program may ever see it. */
export const SERVICE_SECRET = `s3cr3t-${process.pid}-${Date.now()}`;

export interface SandboxProcess {
  /** The service's process id. */
  pid: number;
  client: SandboxClient;
  grpcPort: number;
  metricsPort: number;
  uidBase: number;
  workers: number;
  /** Every stdout/stderr line the service wrote. */
  logs: readonly string[];
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** Sum of the samples of `name` whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Pids of processes running as one of this server's slot uids. */
  leftovers(): number[];
  /** Sends `signal` to the service process only. */
  signal(signal: NodeJS.Signals): void;
  /** Stops it (SIGTERM, SIGKILL after 30 s) and resolves with how it exited. */
  stop(): Promise<ChildExit>;
}

export interface StartOptions {
  workers?: number;
  args?: string[];
}

/**
 * The supervisor of the sandbox processes: a crashed one stays down (the tests look at it), and
 * what a stopped one leaves in its process group is not reaped for it (the tests check that the
 * sandbox cleans up after itself).
 */
const fleet = new LocalFleet({ restart: 'never', readyTimeoutMs: 60_000, stopGraceMs: 30_000 });

/**
 * Starts `rstar-fleet sandbox` exactly as an operator does (the installed CLI, a real process)
 * on free ports, with a secret in its environment, and waits until it serves.
 */
export async function startSandboxProcess(options: StartOptions = {}): Promise<SandboxProcess> {
  const workers = options.workers ?? 2;
  const uidBase = testUidBase();
  const child: SupervisedChild<{ grpcPort: number; metricsPort: number }> = await fleet.start({
    name: 'sandbox',
    args: [
      cli,
      'sandbox',
      '--host=127.0.0.1',
      '--port=0',
      '--metrics-port=0',
      `--workers=${workers}`,
      `--uid-base=${uidBase}`,
      ...(options.args ?? []),
    ],
    cwd: repoRoot,
    env: {
      PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      SERVICE_API_TOKEN: SERVICE_SECRET,
      AWS_SECRET_ACCESS_KEY: SERVICE_SECRET,
    },
    ready: readyOnLogMessage('sandbox serving', (entry) =>
      typeof entry.grpcPort === 'number' && typeof entry.metricsPort === 'number'
        ? { grpcPort: entry.grpcPort, metricsPort: entry.metricsPort }
        : undefined,
    ),
    reapGroup: false,
  });
  const { grpcPort, metricsPort } = child.info;
  const client = new SandboxClient({ address: `127.0.0.1:${grpcPort}`, defaultDeadlineMs: 60_000 });
  const metrics = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return {
    pid: child.pid,
    client,
    grpcPort,
    metricsPort,
    uidBase,
    workers,
    logs: child.logs,
    metrics,
    async metric(name, labels = {}) {
      let sum = 0;
      for (const line of (await metrics()).split('\n')) {
        const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const text = m[2] ?? '';
        if (Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`)))
          sum += Number(m[3]);
      }
      return sum;
    },
    leftovers: () => processesOfUids(uidBase, uidBase + workers - 1),
    signal: (signal) => child.signal(signal),
    async stop() {
      const how = await child.stop();
      client.close();
      return how;
    },
  };
}

/** Polls `condition` until it holds (or fails after `timeoutMs`). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Python source from lines (keeps test programs readable). */
export function py(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
