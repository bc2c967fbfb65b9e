/**
 * @rstar-fleet/telemetry — what every service's observability and lifecycle have in common
 * (DESIGN §6, §8): a prom-client registry per service (`service` label, process metrics on), an
 * HTTP server for `/metrics`, `/livez` and `/readyz` (plus a service's own routes) with request
 * deadlines and a bounded close, a short cache for gauges that read remote state on scrape, and
 * the one bounded shutdown (grace, then force) every service runs on SIGINT/SIGTERM.
 */
export { createRegistry, type RegistryOptions } from './registry';
export {
  startTelemetryServer,
  type RouteHandler,
  type TelemetryServer,
  type TelemetryServerOptions,
} from './http-server';
export { cachedRead } from './cached';
export { STOP_SIGNALS, waitForStopSignal, watchStopSignals } from './stop-signal';
export {
  LIFECYCLE_DEFAULTS,
  Lifecycle,
  compileLifecycleOptions,
  type CloseStep,
  type DrainOutcome,
  type ForceBounds,
  type LifecycleOptions,
  type LifecyclePhase,
  type LifecycleSettings,
  type LifecycleState,
  type ShutdownResult,
  type ShutdownSteps,
} from './lifecycle';
export { LifecycleStateError } from './lifecycle-state-error';
export { ShutdownStepError } from './shutdown-step-error';
