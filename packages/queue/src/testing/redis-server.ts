import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, freePort, privateRedisArgs } from '../local-redis';

/**
 * A private `redis-server` for a test (or the demo): a free port, its own directory, AOF on
 * (`appendfsync everysec`) and `noeviction`, as production runs it. `restart()` stops it (a
 * clean SIGTERM or a SIGKILL crash) and starts it again on the same port and directory, so AOF
 * replay is what brings the queues back.
 */
export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (`how`: SIGTERM = clean shutdown, SIGKILL = crash) and starts it again. */
  restart(how?: 'SIGTERM' | 'SIGKILL', downMs?: number): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export function redisServerBinary(): string {
  const path = findRedisServer();
  if (path === null) {
    throw new Error(
      'redis-server is not installed (apt-get install redis-server), and REDIS_URL is not set',
    );
  }
  return path;
}

async function waitForPing(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data: Buffer) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`redis-server on :${port} did not answer PING`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a private redis-server (AOF, noeviction) on a free port. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  const binary = redisServerBinary();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rstar-redis-'));
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(binary, [...privateRedisArgs(port, dir), '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    await waitForPing(port, child, 10_000);
  };
  const kill = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart(how = 'SIGTERM', downMs = 0) {
      await kill(how);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A queue prefix no other test run shares (Redis Cluster hash tag included). */
export function uniquePrefix(label = 'test'): string {
  return `{${label}-${process.pid}-${randomBytes(4).toString('hex')}}`;
}
