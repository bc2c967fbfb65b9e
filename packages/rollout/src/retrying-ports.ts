import type { SearchPorts } from '@rstar-fleet/mcts';
import {
  OutageClock,
  retryThroughOutages,
  type Clock,
  type OutageEvent,
  type OutagePolicy,
} from './outage';

/** The dependencies a search calls; the grader is local and never has an outage. */
export type RetriedPort = 'policy' | 'executor' | 'reward';

/** One outage clock per dependency, shared by every unit of a shard (see OutageClock). */
export type DependencyClocks = Readonly<Record<RetriedPort, OutageClock>>;

export function dependencyClocks(clock: Clock): DependencyClocks {
  return {
    policy: new OutageClock(clock),
    executor: new OutageClock(clock),
    reward: new OutageClock(clock),
  };
}

export interface PortRetry {
  policy: OutagePolicy;
  clock: Clock;
  outages: DependencyClocks;
  /** Every call retry, before its pause. */
  onOutage: (event: OutageEvent & { scope: 'call'; port: RetriedPort }) => void;
  /** Names the unit in OutageBudgetExceededError's message. */
  what: string;
}

/**
 * `ports` with every policy, PPM and sandbox call retried through outages on its own: a call
 * that fails because its dependency is unavailable (deadline, reset, 5xx, sandbox UNAVAILABLE)
 * is sent again after a pause while the search waits on it, so the rollouts the tree already
 * finished are kept. The pause ends early when the call's signal fires (the search was
 * cancelled or another rollout of it failed); the engine then reports the cancellation. Other
 * failures (a 400, a context overflow, a contract violation) reach the engine unchanged.
 */
export function retryingPorts(ports: SearchPorts, retry: PortRetry): SearchPorts {
  const call = <T>(
    port: RetriedPort,
    what: string,
    signal: AbortSignal | undefined,
    send: () => Promise<T>,
  ): Promise<T> =>
    retryThroughOutages(
      send,
      retry.policy,
      retry.clock,
      signal,
      (event) => retry.onOutage({ ...event, scope: 'call', port }),
      `${port} port: ${what} of ${retry.what}`,
      retry.outages[port],
    );
  const { policy, executor, reward } = ports;
  return {
    ...ports,
    policy: {
      expand: (request) =>
        call('policy', `expand of node ${request.nodeId}`, request.signal, () =>
          policy.expand(request),
        ),
    },
    executor: {
      execute: (programs, signal) =>
        call('executor', `execution of ${programs.length} program(s)`, signal, () =>
          executor.execute(programs, signal),
        ),
    },
    ...(reward === undefined
      ? {}
      : {
          reward: {
            score: (prefixes, signal) =>
              call('reward', `scoring of ${prefixes.length} prefix(es)`, signal, () =>
                reward.score(prefixes, signal),
              ),
          },
        }),
  };
}
