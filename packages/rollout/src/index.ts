/**
 * @rstar-fleet/rollout — what a rollout worker does with a shard job, independent of the host
 * (BullMQ, HTTP, signals live in apps/rollout-worker): read the round (or eval) manifest and the
 * shard's problems, search every unit (problem × tree; for an eval shard problem × mode × run)
 * with bounded concurrency over the fleet's ports, append each record exactly once to the
 * shard's results log, ride out dependency outages, report progress and count what was done.
 */
export { runShard, type ShardDeps, type ShardHooks } from './run-shard';
export { runEvalShard, type EvalShardDeps } from './run-eval-shard';
export { ManifestCache } from './manifests';
export {
  FleetPorts,
  fleetGrader,
  type FleetPortsOptions,
  type PortsProvider,
  type PortsTarget,
  type RunPortsTarget,
} from './fleet-ports';
export { testTimeTarget } from './test-time-target';
export { probeDependencies, type ProbedTarget } from './probe-dependencies';
export { TestTimeSolver, type TestTimeSolverOptions } from './test-time-solver';
export {
  formatSolveRecord,
  solveRecord,
  type SolveContext,
  type SolveRecord,
  type SolveStep,
} from './solve-record';
export {
  sandboxExecutorFor,
  toExecutionResult,
  type SandboxExecutorOptions,
} from './sandbox-executor';
export { createUnitEngine, type UnitEngine } from './engine';
export {
  compileRolloutOptions,
  ROLLOUT_DEFAULTS,
  type CompiledRolloutOptions,
  type RolloutOptions,
} from './options';
export { isAvailabilityError } from './availability';
export {
  OutageClock,
  realClock,
  retryThroughOutages,
  type Clock,
  type OutageEvent,
  type OutagePolicy,
} from './outage';
export { OutageBudgetExceededError } from './outage-budget-exceeded-error';
export { ShardCancelledError } from './shard-cancelled-error';
export { isPoisonShardError } from './poison-shard';
export {
  ROLLOUT_COUNTERS,
  RolloutStats,
  TERMINAL_OUTCOMES,
  type RolloutCounter,
  type RoundProblemCounts,
  type TerminalOutcome,
} from './stats';
export type { PortsObserver } from './fleet-ports';
export {
  dependencyClocks,
  retryingPorts,
  type DependencyClocks,
  type PortRetry,
  type RetriedPort,
} from './retrying-ports';
export {
  DependencyProber,
  SandboxProbeClients,
  manifestChecks,
  probeHttp,
  RunDependencies,
  type DependencyCheck,
  type DependencyProberOptions,
} from './dependency-health';
export { describeFailure, type FailureDescription } from './failure';
