import { InferenceDeadlineError, InferenceUnavailableError } from '../errors';
import type { Endpoint } from '../governor/endpoint';
import type { InferenceMetrics } from '../metrics';
import { rendezvousOrder } from './hrw';

export interface HealthSettings {
  /** How long a replica is skipped after it failed (connection errors/5xx after retries). */
  cooldownMs: number;
  /** Repeated failures double the cool-down up to this. */
  maxCooldownMs: number;
  now: () => number;
}

interface Health {
  failures: number;
  /** Epoch ms from which the replica takes traffic again (0 = healthy). */
  retryAtMs: number;
}

/**
 * The replicas of one role. A key (problem id) always prefers the same replica (rendezvous
 * hashing), so a tree's prompts meet their own prefix cache. A replica that stays unavailable
 * after its retries is skipped for a cool-down, then tried again by the next request that
 * prefers it (success clears it; another failure doubles the cool-down). When every replica is
 * cooling down, they are tried anyway in preference order: refusing outright would fail jobs
 * that a recovered server could serve. A request that outlived its deadline goes to the next
 * replica at once (a hung server answers nothing, however long it is given); on the last one it
 * is retried there (`lastReplica`), with a longer deadline each time, and a server that refuses
 * connections is waited for through a restart (the governor's reconnect window).
 */
export class ReplicaSet {
  private readonly health = new Map<Endpoint, Health>();

  constructor(
    readonly endpoints: readonly Endpoint[],
    private readonly settings: HealthSettings,
    private readonly metrics: InferenceMetrics,
  ) {
    for (const e of endpoints) this.health.set(e, { failures: 0, retryAtMs: 0 });
  }

  isHealthy(e: Endpoint): boolean {
    return (this.health.get(e)?.retryAtMs ?? 0) <= this.settings.now();
  }

  /** The order in which `key`'s request tries the replicas: healthy ones first, by preference. */
  order(key: string): Endpoint[] {
    const ranked = rendezvousOrder(key, this.endpoints, (e) => e.name);
    const healthy = ranked.filter((e) => this.isHealthy(e));
    return [...healthy, ...ranked.filter((e) => !healthy.includes(e))];
  }

  /**
   * Runs `call` on `key`'s replica; when it is unavailable or did not answer in time, marks it and
   * fails over to the next. Other errors (400, overflow, 429 exhaustion, cancel) are the
   * request's, not the replica's: thrown. `lastReplica` is true for the last replica tried.
   */
  async run<T>(
    key: string,
    call: (e: Endpoint, attempt: { lastReplica: boolean }) => Promise<T>,
  ): Promise<T> {
    let last: unknown;
    const order = this.order(key);
    for (const [i, endpoint] of order.entries()) {
      try {
        const result = await call(endpoint, { lastReplica: i === order.length - 1 });
        this.markHealthy(endpoint);
        return result;
      } catch (err) {
        if (!(err instanceof InferenceUnavailableError || err instanceof InferenceDeadlineError)) {
          throw err;
        }
        this.markFailed(endpoint);
        last = err;
      }
    }
    throw last;
  }

  markFailed(e: Endpoint): void {
    const h = this.health.get(e);
    if (h === undefined) return;
    h.failures += 1;
    const cooldown = Math.min(
      this.settings.maxCooldownMs,
      this.settings.cooldownMs * 2 ** (h.failures - 1),
    );
    h.retryAtMs = this.settings.now() + cooldown;
    this.metrics.healthy.labels(e.name, e.role).set(0);
  }

  markHealthy(e: Endpoint): void {
    const h = this.health.get(e);
    if (h === undefined || (h.failures === 0 && h.retryAtMs === 0)) return;
    h.failures = 0;
    h.retryAtMs = 0;
    this.metrics.healthy.labels(e.name, e.role).set(1);
  }
}
