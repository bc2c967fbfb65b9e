/**
 * @rstar-fleet/telemetry — what every service's observability has in common (DESIGN §6): a
 * prom-client registry per service (`service` label, process metrics on), an HTTP server for
 * `/metrics`, `/livez` and `/readyz` (plus a service's own routes) with a bounded close, and a
 * short cache for gauges that read remote state on scrape.
 */
export { createRegistry, type RegistryOptions } from './registry';
export {
  startTelemetryServer,
  type RouteHandler,
  type TelemetryServer,
  type TelemetryServerOptions,
} from './http-server';
export { cachedRead } from './cached';
export { waitForStopSignal } from './stop-signal';
