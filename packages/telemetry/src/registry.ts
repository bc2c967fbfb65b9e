import { Registry, collectDefaultMetrics } from 'prom-client';

export interface RegistryOptions {
  /** Default process and Node.js metrics (CPU, memory, event-loop lag, GC). Default true. */
  defaultMetrics?: boolean;
  /** More default labels besides `service` (keep them few and low-cardinality: no ids). */
  labels?: Record<string, string>;
  /**
   * The `service` label on every series. Default true; false only where the exposition must
   * read as another server's (the simulator answers with vLLM's names and labels).
   */
  serviceLabel?: boolean;
}

/**
 * The registry of one service: its own (nothing lands in prom-client's global registry, so
 * tests can build fresh ones), every series labelled `service="<name>"`, and the default
 * process metrics, which prom-client collects on scrape (no timers of its own).
 */
export function createRegistry(service: string, options: RegistryOptions = {}): Registry {
  const registry = new Registry();
  const serviceLabel = options.serviceLabel === false ? {} : { service };
  registry.setDefaultLabels({ ...options.labels, ...serviceLabel });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
