import type { Registry } from 'prom-client';
import { createRegistry } from '@rstar-fleet/telemetry';
import { Endpoint } from './governor/endpoint';
import type { GovernorSettings } from './governor/settings';
import { InferenceMetrics } from './metrics';
import { endpointNames } from './options/common';
import { ReplicaSet, type HealthSettings } from './routing/replica-set';

/** What both clients compile their options into before building endpoints. */
export interface CompiledCommon {
  endpoints: { url: string; name?: string | undefined }[];
  governor: Omit<GovernorSettings, 'adaptive'> & {
    adaptive?: GovernorSettings['adaptive'] | undefined;
  };
  routing: HealthSettings;
  registry?: Registry | undefined;
  headers: Record<string, string>;
}

/** Builds the replica set of one role: one governed endpoint per URL, sharing the metrics. */
export function buildReplicas(options: CompiledCommon, role: string): ReplicaSet {
  // Without the host's registry the metrics still count, on a private one nothing serves.
  const metrics = InferenceMetrics.for(
    options.registry ?? createRegistry('inference-client', { defaultMetrics: false }),
  );
  const names = endpointNames(options.endpoints);
  const settings: GovernorSettings = {
    ...options.governor,
    adaptive: options.governor.adaptive ?? null,
  };
  const endpoints = options.endpoints.map(
    (e, i) =>
      new Endpoint(
        {
          name: names[i] ?? e.url,
          url: e.url.replace(/\/+$/, ''),
          role,
          headers: options.headers,
        },
        settings,
        metrics,
      ),
  );
  for (const e of endpoints) e.start();
  return new ReplicaSet(endpoints, options.routing, metrics);
}

/**
 * Runs the parts of one call (fan-out siblings, reward batches) at the same time under a group
 * signal that the caller's abort or the first failure fires, so the rest stop at once. Their
 * aborts are not cancellations by the caller and are not counted as such (`callerSignal`).
 */
export async function together<T>(
  signal: AbortSignal | undefined,
  parts: readonly ((group: AbortSignal) => Promise<T>)[],
): Promise<T[]> {
  const group = new AbortController();
  const onAbort = (): void => group.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      parts.map((part) =>
        part(group.signal).catch((err: unknown) => {
          group.abort(err);
          throw err;
        }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
