import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { SandboxClient } from '@rstar-fleet/protocol/sandbox';
import { processesOfUids, testUidBase } from '@rstar-fleet/sandbox/testing';

const repoRoot = join(__dirname, '..', '..', '..');
const cli = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');

/** Planted in the service's environment; no program may ever see it. */
export const SERVICE_SECRET = `s3cr3t-${process.pid}-${Date.now()}`;

export interface SandboxProcess {
  child: ChildProcess;
  client: SandboxClient;
  grpcPort: number;
  metricsPort: number;
  uidBase: number;
  workers: number;
  /** Every stdout/stderr line the service wrote. */
  logs: string[];
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** Sum of the samples of `name` whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Pids of processes running as one of this server's slot uids. */
  leftovers(): number[];
  /** Sends `signal` and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  workers?: number;
  args?: string[];
}

/**
 * Starts `rstar-fleet sandbox` exactly as an operator does (the installed CLI, a real process)
 * on free ports, with a secret in its environment, and waits until it serves.
 */
export async function startSandboxProcess(options: StartOptions = {}): Promise<SandboxProcess> {
  const workers = options.workers ?? 2;
  const uidBase = testUidBase();
  const child = spawn(
    process.execPath,
    [
      cli,
      'sandbox',
      '--host=127.0.0.1',
      '--port=0',
      '--metrics-port=0',
      `--workers=${workers}`,
      `--uid-base=${uidBase}`,
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      env: {
        PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        SERVICE_API_TOKEN: SERVICE_SECRET,
        AWS_SECRET_ACCESS_KEY: SERVICE_SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ports = new Promise<{ grpcPort: number; metricsPort: number }>((resolve, reject) => {
    const onLine = (line: string): void => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; grpcPort?: number; metricsPort?: number };
        if (entry.msg === 'sandbox serving' && entry.grpcPort && entry.metricsPort) {
          resolve({ grpcPort: entry.grpcPort, metricsPort: entry.metricsPort });
        }
      } catch {
        // not a log line
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    void exited.then((how) =>
      reject(
        new Error(`sandbox exited before serving (${JSON.stringify(how)}):\n${logs.join('\n')}`),
      ),
    );
    setTimeout(
      () => reject(new Error(`sandbox not serving after 60 s:\n${logs.join('\n')}`)),
      60_000,
    ).unref();
  });
  const { grpcPort, metricsPort } = await ports;
  const client = new SandboxClient({ address: `127.0.0.1:${grpcPort}`, defaultDeadlineMs: 60_000 });
  const metrics = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return {
    child,
    client,
    grpcPort,
    metricsPort,
    uidBase,
    workers,
    logs,
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
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const how = await exited;
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
