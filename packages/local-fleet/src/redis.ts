import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import type { Readiness } from './readiness';
import { RedisMissingError } from './redis-missing-error';
import { LocalFleet, type SupervisedChild } from './supervisor';

/** The redis-server on PATH, or null. */
export function findRedisServer(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : null;
}

/**
 * How the fleet wants Redis run (DESIGN §8): AOF (`appendonly yes`, `everysec`) in its own
 * directory, so a Redis that crashed and came back still has the queues, the job locks and the
 * run's lease; no RDB snapshots; never evict (with eviction BullMQ loses locks and jobs).
 */
export function privateRedisArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--loglevel',
    'notice',
  ];
}

/** Ready once Redis answers PING with PONG (not LOADING: the AOF has been replayed). */
function readyOnPing(port: number): Readiness<{ port: number }> {
  return {
    kind: 'probe',
    what: `PONG from 127.0.0.1:${port}`,
    intervalMs: 50,
    probe: (timeoutMs) =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1');
        const done = (ok: boolean): void => {
          socket.destroy();
          resolve(ok ? { port } : undefined);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once('connect', () => socket.write('PING\r\n'));
        socket.once('data', (data: Buffer) => done(data.toString().startsWith('+PONG')));
        socket.once('error', () => done(false));
      }),
  };
}

export interface PrivateRedisOptions {
  /**
   * The supervisor it runs under (the demo's, which restarts it after a crash). Default: a fleet
   * of its own that leaves it down after a crash (a test that kills it looks at the outage);
   * `restart()` brings it back either way.
   */
  fleet?: LocalFleet;
  /** Its data directory (the AOF). Default: a new temporary one, removed by `stop()`. */
  dir?: string;
  /** Default: a free port. */
  port?: number;
}

/** A private redis-server, supervised; it keeps its port and data across restarts. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly child: SupervisedChild<{ port: number }>;
  /**
   * Stops it (`how`: SIGTERM = clean shutdown, SIGKILL = crash), waits `downMs`, and starts it
   * again on the same port and directory, so AOF replay is what brings the data back.
   */
  restart(how?: 'SIGTERM' | 'SIGKILL', downMs?: number): Promise<void>;
  /** Stops it (bounded) and removes its directory if it made it. */
  stop(): Promise<void>;
}

/** The one private-Redis launcher (the demo, the tests, the benchmarks). */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const binary = findRedisServer();
  if (binary === null) throw new RedisMissingError();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'rstar-redis-'));
  mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const fleet = options.fleet ?? new LocalFleet({ restart: 'never', stopGraceMs: 5_000 });
  const child = await fleet.start({
    name: 'redis',
    command: binary,
    args: privateRedisArgs(port, dir),
    env: {},
    ready: readyOnPing(port),
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    child,
    restart: (how = 'SIGTERM', downMs = 0) => child.restart(how, downMs),
    async stop() {
      await child.stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
