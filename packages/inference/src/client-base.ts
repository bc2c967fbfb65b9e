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
