import { connect } from 'node:net';
import type { ChildEvent } from './events';
import { startPrivateRedis, type PrivateRedis } from './redis';
import { LocalFleet } from './supervisor';

/**
 * The private Redis launcher against a real redis-server: AOF in its own directory, so a Redis
 * that was killed (-9) and came back on the same port still has what was written.
 */

jest.setTimeout(30_000);

/** One inline command over a fresh connection; resolves with the raw reply. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5_000, () => reject(new Error(`no answer to ${line}`)));
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.once('data', (data: Buffer) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('error', reject);
  });
}

let redis: PrivateRedis | null = null;
let fleet: LocalFleet | null = null;

afterEach(async () => {
  await redis?.stop();
  await fleet?.stop();
  redis = null;
  fleet = null;
});

describe('startPrivateRedis', () => {
  it('keeps its data across a kill -9 and restart (AOF), on the same port', async () => {
    redis = await startPrivateRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'SET lease mine')).toBe('+OK\r\n');
    expect(await command(redis.port, 'CONFIG GET appendonly')).toContain('yes');
    const before = redis.child.pid;
    await redis.restart('SIGKILL', 100);
    expect(redis.child.pid).not.toBe(before);
    expect(await command(redis.port, 'GET lease')).toBe('$4\r\nmine\r\n');
  });

  it('is restarted by a supervising fleet after a crash, with its data', async () => {
    const events: ChildEvent[] = [];
    fleet = new LocalFleet({ backoffInitialMs: 50, onEvent: (e) => events.push(e) });
    redis = await startPrivateRedis({ fleet });
    expect(await command(redis.port, 'RPUSH queue job-1 job-2')).toBe(':2\r\n');
    process.kill(redis.child.pid, 'SIGKILL');
    const until = Date.now() + 10_000;
    while (!events.some((e) => e.kind === 'restarted') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(events.map((e) => e.kind)).toEqual(['started', 'crashed', 'restarted']);
    expect(events[1]).toMatchObject({ child: 'redis', exit: { signal: 'SIGKILL' } });
    expect(await command(redis.port, 'LRANGE queue 0 -1')).toBe(
      '*2\r\n$5\r\njob-1\r\n$5\r\njob-2\r\n',
    );
  });
});
