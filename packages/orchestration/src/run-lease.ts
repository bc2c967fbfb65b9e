import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { RstarError } from '@rstar-fleet/protocol';
import { runFenceKey, runLeaseKey } from '@rstar-fleet/queue';
import { RunLeaseHeldError, RunLeaseLostError } from './lease-errors';
import { withDeadline } from './deadline';
import { silentLogger, type FleetLogger } from './types';

export { DEFAULT_LEASE_MS } from './command-defaults';

/**
 * Acquire: only when nobody holds the lease (SET NX semantics, in one script so that the fencing
 * counter moves only when the lease is actually taken). The value names the holder and its token.
 */
const ACQUIRE = `
local cur = redis.call("GET", KEYS[1])
if cur then return {0, cur, redis.call("PTTL", KEYS[1])} end
local token = redis.call("INCR", KEYS[2])
local value = cjson.encode({holder = ARGV[1], token = token})
redis.call("SET", KEYS[1], value, "PX", ARGV[2])
return {1, value, token}
`;

/**
 * Compare-and-extend. When the key is gone but the fencing counter still carries our token, no
 * one else took the lease since we did (it only expired, e.g. while Redis restarted, or this
 * process stalled): we take it back (2). Anything else means it is someone else's now (0).
 */
const EXTEND = `
local cur = redis.call("GET", KEYS[1])
if cur == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
if not cur and redis.call("GET", KEYS[2]) == ARGV[3] then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return 2
end
return 0
`;

/** Compare-and-delete: a holder never deletes a lease that is no longer its own. */
const RELEASE = `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
`;

export interface RunLeaseOptions {
  redis: Redis;
  /** The plan's Redis prefix (the lease lives beside the run's queues). */
  prefix: string;
  run: string;
  /** Time-to-live; renewed every third of it. */
  ttlMs: number;
  /** Who this is, for the message a refused orchestrator prints. Default: host, pid, time. */
  holder?: string;
  /** Called once when a renewal finds the lease taken: the run must stop. */
  onLost?: (err: RunLeaseLostError) => void;
  logger?: FleetLogger;
}

/** `<host> pid <pid> started <ISO time> #<nonce>`: enough for an operator to find the process. */
export function describeHolder(): string {
  const nonce = randomBytes(3).toString('hex');
  return `${hostname()} pid ${process.pid} started ${new Date().toISOString()} #${nonce}`;
}

/**
 * A run's orchestrator lease in Redis (DESIGN §8, one orchestrator per run): acquired once at
 * start, renewed on a timer every ttl/3 (compare-and-extend), released on a clean close
 * (compare-and-delete). Each acquisition INCRs the run's fencing counter; `check()` (called
 * before every run.json write) proves the lease and the token are still ours and extends the
 * lease, so the write that follows has a whole TTL to land before anyone else could take over.
 *
 * A renewal that cannot reach Redis is not a loss: once Redis answers again the lease is either
 * still ours, or taken back if the fencing counter shows nobody else took it, or lost.
 */
export class RunLease {
  private timer: NodeJS.Timeout | null = null;
  private renewing = false;
  private lostError: RunLeaseLostError | null = null;
  private released = false;
  private readonly key: string;
  private readonly fenceKey: string;
  private readonly logger: FleetLogger;

  private constructor(
    private readonly options: RunLeaseOptions,
    readonly holder: string,
    /** The fencing token of this acquisition (the counter's value after its INCR). */
    readonly token: number,
    /** The exact value stored under the lease key (compared by extend and release). */
    private readonly value: string,
  ) {
    this.key = runLeaseKey(options.prefix, options.run);
    this.fenceKey = runFenceKey(options.prefix, options.run);
    this.logger = options.logger ?? silentLogger;
  }

  /** Takes the lease or throws RunLeaseHeldError naming the holder; starts the renewal timer. */
  static async acquire(options: RunLeaseOptions): Promise<RunLease> {
    const holder = options.holder ?? describeHolder();
    const key = runLeaseKey(options.prefix, options.run);
    const reply = (await withDeadline(
      options.redis.eval(
        ACQUIRE,
        2,
        key,
        runFenceKey(options.prefix, options.run),
        holder,
        String(options.ttlMs),
      ),
      options.ttlMs,
      `acquiring the orchestrator lease ${key}`,
    )) as [number, string, number];
    const [taken, value, third] = reply;
    if (taken !== 1) {
      throw new RunLeaseHeldError(options.run, holderOf(value), new Date(Date.now() + third));
    }
    const lease = new RunLease(options, holder, third, value);
    const every = Math.max(20, Math.floor(options.ttlMs / 3));
    lease.timer = setInterval(() => lease.renewInBackground(), every);
    lease.timer.unref();
    return lease;
  }

  /** The loss, once a renewal or a check found the lease taken; null while it is held. */
  lost(): RunLeaseLostError | null {
    return this.lostError;
  }

  /**
   * Proves the lease is still ours (same value, same fencing token) and extends it: call before
   * every write that only the holder may do. Throws RunLeaseLostError when it is not, and
   * UNAVAILABLE when Redis does not answer within the TTL (nothing is written then either).
   */
  async check(): Promise<void> {
    if (this.lostError !== null) throw this.lostError;
    if (this.released) {
      throw new RunLeaseLostError(this.options.run, `${this.key} was released by this holder`);
    }
    let reply: unknown;
    try {
      reply = await withDeadline(
        this.options.redis.eval(
          EXTEND,
          2,
          this.key,
          this.fenceKey,
          this.value,
          String(this.options.ttlMs),
          String(this.token),
        ),
        this.options.ttlMs,
        `renewing the orchestrator lease ${this.key}`,
      );
    } catch (cause) {
      if (cause instanceof RstarError) throw cause;
      throw new RstarError(
        'UNAVAILABLE',
        `run ${this.options.run}: cannot renew the orchestrator lease ${this.key}: ` +
          (cause as Error).message,
        { cause },
      );
    }
    if (reply === 0) {
      const err = new RunLeaseLostError(
        this.options.run,
        `${this.key} is no longer held by ${this.holder} with fencing token ${this.token} ` +
          '(it expired and another orchestrator took it over); stopping without writing',
      );
      this.markLost(err);
      throw err;
    }
    if (reply === 2) {
      this.logger.warn(
        { run: this.options.run, key: this.key, token: this.token },
        'orchestrator lease had expired with no other taker; taken back',
      );
    }
  }

  /** Stops renewing and deletes the lease if it is still ours. Bounded; never throws. */
  async release(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.released) return;
    this.released = true;
    if (this.lostError !== null) return;
    try {
      await withDeadline(
        this.options.redis.eval(RELEASE, 1, this.key, this.value),
        Math.min(this.options.ttlMs, 2_000),
        `releasing the orchestrator lease ${this.key}`,
      );
    } catch (err) {
      // It expires on its own within the TTL.
      this.logger.warn(
        { run: this.options.run, key: this.key, err: (err as Error).message },
        'orchestrator lease not released; it expires by itself',
      );
    }
  }

  private renewInBackground(): void {
    if (this.renewing || this.released || this.lostError !== null) return;
    this.renewing = true;
    this.check()
      .catch((err: unknown) => {
        if (err instanceof RunLeaseLostError) return;
        this.logger.warn(
          { run: this.options.run, key: this.key, err: (err as Error).message },
          'orchestrator lease renewal failed; retrying',
        );
      })
      .finally(() => {
        this.renewing = false;
      });
  }

  private markLost(err: RunLeaseLostError): void {
    if (this.lostError !== null) return;
    this.lostError = err;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.options.onLost?.(err);
  }
}

/** The holder named in a lease value (the raw value if it is not ours). */
function holderOf(value: string): string {
  try {
    const parsed = JSON.parse(value) as { holder?: unknown; token?: unknown };
    if (typeof parsed.holder === 'string') {
      return `${parsed.holder}, fencing token ${String(parsed.token)}`;
    }
  } catch {
    // fall through
  }
  return value;
}
