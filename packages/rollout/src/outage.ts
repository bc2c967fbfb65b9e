import { isAvailabilityError } from './availability';
import { OutageBudgetExceededError, ShardCancelledError } from './errors';

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
  /** How long this unit has been failing for availability, ms. */
  outageMs: number;
  delayMs: number;
  error: unknown;
}

/**
 * Runs `attempt` until it succeeds. An availability failure (see isAvailabilityError) is
 * retried from scratch after an exponential pause with jitter, for as long as the unit's outage
 * stays within the budget; then OutageBudgetExceededError. Any other failure is thrown as is.
 * The budget counts from the first failure: a dependency that comes back resets nothing
 * mid-unit, but a unit only ever needs one success.
 */
export async function retryThroughOutages<T>(
  attempt: () => Promise<T>,
  policy: OutagePolicy,
  clock: Clock,
  signal: AbortSignal | undefined,
  onOutage: (event: OutageEvent) => void,
  what: string,
): Promise<T> {
  let failures = 0;
  let since: number | undefined;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (signal?.aborted === true || !isAvailabilityError(err)) throw err;
      since ??= clock.now();
      const outageMs = clock.now() - since;
      if (outageMs >= policy.budgetMs) {
        throw new OutageBudgetExceededError(
          `${what}: dependencies unavailable for ${outageMs} ms (budget ${policy.budgetMs} ms)`,
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
