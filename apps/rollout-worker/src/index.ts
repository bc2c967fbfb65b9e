/**
 * @rstar-fleet/rollout-worker — `rstar-fleet worker`: the BullMQ host of @rstar-fleet/rollout
 * (flags, Redis, HTTP health and metrics, signals). The search logic is in the package.
 */
export { workerCommand, type WorkerCliIO } from './command';
export { WORKER_DEFAULTS, parseWorkerConfig, type WorkerConfig } from './config';
export { startWorkerService, type WorkerService, type WorkerServiceOptions } from './service';
export { WorkerMetrics } from './metrics';
