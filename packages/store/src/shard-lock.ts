import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LockLostError, ShardLockedError, isErrno } from './errors';

/** Who holds a lock; written into the lock file so operators (and contenders) can see it. */
export interface LockOwner {
  token: string;
  pid: number;
  hostname: string;
  acquiredAt: string;
}

export interface ShardLockOptions {
  /**
   * A lock whose file has not been touched for this long is stale and may be taken over. The
   * holder touches it every `heartbeatMs`, so only a dead (or frozen) holder goes stale.
   */
  staleMs?: number;
  heartbeatMs?: number;
}

export const DEFAULT_STALE_MS = 60_000;

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.token !== 'string' || typeof value.pid !== 'number') return undefined;
    if (typeof value.hostname !== 'string') return undefined;
    return value as LockOwner;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return !isErrno(err, 'ESRCH');
  }
}

async function readOwner(path: string): Promise<{ owner?: LockOwner; ageMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { owner: parseOwner(text), ageMs: Date.now() - info.mtimeMs };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * A single-writer lock for one shard's results file: a lock file created with O_EXCL holding
 * the owner (token, pid, hostname). BullMQ's job lock is not enough on its own: a worker whose
 * event loop stalls past the lock duration loses the job to another worker but keeps running, so
 * two writers can meet on one file. This lock makes the second one fail (ShardLockedError) or,
 * if it takes a stale lock over, makes the first one's next append fail (LockLostError).
 *
 * Stale: the owner is on this host and its pid is gone, or the file is older than `staleMs`
 * (heartbeats stopped; works across hosts sharing a volume, given clocks within `staleMs`).
 */
export class ShardLock {
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    readonly owner: LockOwner,
    heartbeatMs: number,
  ) {
    this.heartbeat = setInterval(() => {
      const now = new Date();
      // A failed touch only risks a takeover, which `verify` then reports; never crash for it.
      utimes(this.path, now, now).catch(() => undefined);
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  static async acquire(path: string, options: ShardLockOptions = {}): Promise<ShardLock> {
    const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(staleMs / 4));
    const owner: LockOwner = {
      token: randomBytes(12).toString('hex'),
      pid: process.pid,
      hostname: hostname(),
      acquiredAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        const handle = await open(path, 'wx', 0o644);
        try {
          await handle.writeFile(JSON.stringify(owner));
          await handle.sync();
        } finally {
          await handle.close();
        }
        return new ShardLock(path, owner, heartbeatMs);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
      }
      const held = await readOwner(path);
      if (held === undefined) continue; // released between our open and our read
      const deadHere =
        held.owner !== undefined &&
        held.owner.hostname === owner.hostname &&
        !pidAlive(held.owner.pid);
      if (!deadHere && held.ageMs < staleMs) {
        const who =
          held.owner === undefined
            ? 'an unknown owner'
            : `pid ${held.owner.pid} on ${held.owner.hostname}`;
        throw new ShardLockedError(`${path} is held by ${who}`);
      }
      await takeOver(path, held.owner?.token, owner.token);
    }
    throw new ShardLockedError(`${path}: lost the race for a stale lock too many times`);
  }

  /** Throws LockLostError unless the lock file still names this owner. */
  async verify(): Promise<void> {
    const held = await readOwner(this.path);
    if (held?.owner?.token !== this.owner.token) {
      throw new LockLostError(`${this.path}: lock taken over by another writer; stop writing`);
    }
  }

  /** Removes the lock file if it is still ours; a taken-over lock is left to its new owner. */
  async release(): Promise<void> {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const held = await readOwner(this.path);
    if (held?.owner?.token === this.owner.token) await unlink(this.path).catch(() => undefined);
  }
}

/**
 * Moves a stale lock aside. `rename` is atomic, so of several contenders exactly one moves a
 * given file. If what we moved is not the lock we judged stale (a contender replaced it with a
 * fresh one in between), we put it back with `link`, which never overwrites, and give up.
 */
async function takeOver(
  path: string,
  staleToken: string | undefined,
  ourToken: string,
): Promise<void> {
  const aside = `${path}.stale-${ourToken}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return;
    throw err;
  }
  const moved = await readOwner(aside);
  if (moved !== undefined && moved.owner?.token !== staleToken) {
    await link(aside, path).catch((err: unknown) => {
      if (!isErrno(err, 'EEXIST')) throw err;
    });
    await unlink(aside);
    throw new ShardLockedError(`${path} was taken by another writer while we broke a stale lock`);
  }
  await unlink(aside).catch(() => undefined);
}
