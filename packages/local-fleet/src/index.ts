/**
 * @rstar-fleet/local-fleet — the one supervisor of local child processes (DESIGN §8): what
 * Kubernetes does for the fleet on a cluster, LocalFleet does on one machine for the demo, the
 * cross-process tests and the benchmarks. Readiness with a deadline, restart after a crash with
 * CrashLoopBackOff-like backoff, an event for every death and return, a give-up with
 * CrashLoopError after repeated crashes, a bounded stop. And the one private-Redis launcher
 * (AOF, so a restarted Redis keeps queues and leases).
 */
export { ChildReadyTimeoutError } from './child-ready-timeout-error';
export { ChildStartError } from './child-start-error';
export { CrashLoopError } from './crash-loop-error';
export { describeChildEvent, describeExit, type ChildEvent, type ChildExit } from './events';
export { freePort } from './free-port';
export { killAllChildren } from './live-groups';
export {
  SUPERVISOR_DEFAULTS,
  compileSupervisorOptions,
  type CompiledSupervisorOptions,
  type RestartPolicy,
  type SupervisorOptions,
} from './options';
export {
  jsonLine,
  readyOnHttp,
  readyOnLine,
  readyOnLogMessage,
  readyOnPort,
  type Readiness,
} from './readiness';
export {
  findRedisServer,
  privateRedisArgs,
  startPrivateRedis,
  type PrivateRedis,
  type PrivateRedisOptions,
} from './redis';
export { RedisMissingError } from './redis-missing-error';
export { LocalFleet, type ChildSpec, type SupervisedChild } from './supervisor';
