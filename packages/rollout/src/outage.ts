import { isAvailabilityError } from './availability';
import { OutageBudgetExceededError } from './outage-budget-exceeded-error';
import { ShardCancelledError } from './shard-cancelled-error';

/** Time and randomness, injectable so tests need not wait. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with ShardCancelledError when `signal` fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(new ShardCancelledError('cancelled', { cause: signal.reason }));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new ShardCancelledError('cancelled', { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface OutagePolicy {
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface OutageEvent {
  attempt: number;
  /** How long the failing calls have been failing without a success in between, ms. */
  outageMs: number;
  delayMs: number;
  error: unknown;
  /**
   * `call`: one port call (policy, PPM, sandbox) failed and is sent again after the pause; the
   * search goes on with everything it has. `unit`: a failure no call retry covered; the unit is
   * searched again from scratch.
   */
  scope?: 'call' | 'unit';
  /** The dependency whose call failed (`scope: 'call'`). */
  port?: string;
}

/**
 * Whether a dependency is in an outage, and since when: from the first availability failure
 * after its last success. Any success ends the outage, so a server that answers other requests
 * is never "down" because one of them failed. Shared by every call to the dependency.
 */
export class OutageClock {
  private since: number | undefined;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** A call failed for availability: how long the outage has lasted so far, ms. */
  failed(): number {
    const now = this.clock.now();
    this.since ??= now;
    return now - this.since;
  }

  succeeded(): void {
    this.since = undefined;
  }
}

/**
 * Runs `attempt` until it succeeds. An availability failure (see isAvailabilityError) is
 * retried after an exponential pause with jitter, for as long as the outage stays within the
 * budget; then OutageBudgetExceededError, with the last failure as its cause. The outage is the
 * longer of two clocks, both reset by a success: the dependency's (`outage`, shared with the
 * other calls to it: every call failing) and this attempt's own (one request that never
 * succeeds while others do, e.g. one the server always hangs on, is not waited for forever).
 * Any other failure, and any failure once `signal` fired, is thrown as is.
 */
export async function retryThroughOutages<T>(
  attempt: () => Promise<T>,
  policy: OutagePolicy,
  clock: Clock,
  signal: AbortSignal | undefined,
  onOutage: (event: OutageEvent) => void,
  what: string,
  outage: OutageClock = new OutageClock(clock),
): Promise<T> {
  let failures = 0;
  let since: number | undefined;
  for (;;) {
    try {
      const value = await attempt();
      outage.succeeded();
      return value;
    } catch (err) {
      if (signal?.aborted === true || !isAvailabilityError(err)) throw err;
      since ??= clock.now();
      const outageMs = Math.max(outage.failed(), clock.now() - since);
      if (outageMs >= policy.budgetMs) {
        throw new OutageBudgetExceededError(
          `${what}: dependency unavailable for ${outageMs} ms (budget ${policy.budgetMs} ms): ${messageOf(err)}`,
          { cause: err },
        );
      }
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(failures, 30));
      // Half jitter: never hammer a recovering server, never move in lockstep with other units.
      const delayMs = Math.min(
        Math.round(cap / 2 + (cap / 2) * clock.random()),
        Math.max(0, policy.budgetMs - outageMs),
      );
      failures += 1;
      onOutage({ attempt: failures, outageMs, delayMs, error: err });
      await clock.sleep(delayMs, signal);
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
