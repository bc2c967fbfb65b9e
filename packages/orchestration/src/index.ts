/**
 * @rstar-fleet/orchestration — the fleet orchestrator's logic, host-agnostic (the CLI in
 * apps/cli and the demo run it in process): run state (`runs/<run>/run.json`), corpus
 * ingest into shard files, round manifests and BullMQ flows (parent per phase in `rounds`,
 * children in `shards`), the `rounds` processor (escalation phases, round completion: datasets,
 * stats, train and deploy hooks, next round), status and requeue.
 *
 * In-process use:
 *   const state = await runFleet(plan, { planText, cliScript, leaseMs: DEFAULT_LEASE_MS }, observer);
 * or, to serve status while it runs:
 *   const orch = await Orchestrator.open(plan, options, observer);
 *   await orch.start();            // ingest (once), resume or start the current phase
 *   await orch.done;               // resolves with the final RunState (rejects if the run failed)
 *   await orch.status();           // RunStatus, same JSON as `rstar-fleet status --json`
 *   await orch.close();            // bounded
 */
export { Orchestrator, runFleet, type OrchestratorHandle } from './orchestrator';
export { defaultRunId, planHash, resolveRunId } from './run-id';
export { DEFAULT_LEASE_MS, RunLease, describeHolder, type RunLeaseOptions } from './run-lease';
export { RunLeaseHeldError, RunLeaseLostError, StaleRunStateError } from './lease-errors';
export { openStore, type OpenStoreOptions } from '@rstar-fleet/store';
export {
  openFleetContext,
  type FleetContext,
  type FleetContextOptions,
  type RedisHealth,
} from './context';
export { ingestCorpus, reshardRound, type IngestResult } from './ingest';
export { manifestKey, readManifest } from './manifest';
export { extractRound, type ExtractOptions } from './extract-round';
export {
  getRunStatus,
  getStoreRunStatus,
  STATUS_REDIS_DEADLINE_MS,
  type RunStatusOptions,
} from './status';
export { requeue, requeueHint } from './requeue';
export { RoundFailedError, type RoundFailureKind } from './round-failed-error';
export { RoundInterruptedError } from './round-interrupted-error';
export { RunStoppedError } from './run-stopped-error';
export { ForeignRoundJobError } from './foreign-round-job-error';
export { UnknownPhaseError } from './unknown-phase-error';
export {
  runHook,
  runCommandHook,
  type HookRunOptions,
  type HookVars,
  type CommandHookOptions,
} from './hooks/run-hook';
export { runKubernetesJobHook, type KubeJobHookOptions } from './hooks/kube-job-hook';
export type { RoundStats, GroupStats } from './stats';
export {
  RUN_STATE_VERSION,
  ROUND_STATUSES,
  RUN_STATUSES,
  readRunState,
  requireRunState,
  runStateKey,
  rejectsKey,
  runStateSchema,
  ROUND_EVAL_STATUSES,
  roundEvalSchema,
  type FailedShard,
  type HookOutcome,
  type IngestSummary,
  type PhaseState,
  type RoundEval,
  type RoundEvalStatus,
  type RoundState,
  type RoundStatus,
  type RunState,
  type RunStatusName,
} from './run-state';
export {
  SHARD_STATES,
  silentLogger,
  type FleetLogger,
  type FleetObserver,
  type FleetOptions,
  type HookDoneEvent,
  type IngestProgress,
  type KubeAccess,
  type PhaseStartEvent,
  type QueueJobCounts,
  type RequeueOptions,
  type RequeueOutcome,
  type RequeuedShard,
  type RequeueTarget,
  type RoundDoneEvent,
  type RunStatus,
  type ShardFailedEvent,
  type ShardFailure,
  type ShardProgressEvent,
  type ShardState,
} from './types';
export { testTimeModels, type TestTimeModels } from './test-time-models';
export { UndeployedRoundError } from './undeployed-round-error';
export { FLEET_OPTION_DEFAULTS } from './fleet-options';
// Evaluations (`rstar-fleet eval`; DESIGN §10): resolved once (eval.json), run as a flow of
// eval-shard jobs, reported by the `eval` parent job. See eval-engine.ts.
export {
  EVAL_NAMES,
  buildEvalManifest,
  evalManifestDiff,
  evalManifestKey,
  readEvalManifest,
  type EvalBenchmarkInput,
  type EvalManifestInput,
  type EvalRequest,
} from './eval-manifest';
export {
  readEvalBenchmark,
  sampleProblems,
  writeEvalShards,
  type EvalBenchmarkRead,
  type EvalSource,
  type SkippedRow,
} from './eval-ingest';
export {
  EvalEngine,
  type EvalEngineDeps,
  type EvalJobOutcome,
  type EvalStartInput,
  type EvalStarted,
} from './eval-engine';
export { runEvaluation, type EvalRunOptions } from './eval-runner';
export { evalSources, type EvalSourceOptions } from './eval-sources';
export {
  EVAL_STATUSES,
  composeEvalProgress,
  evalProgress,
  evalUnits,
  snapshotEvalShards,
  type EvalProgress,
  type EvalStatusName,
} from './eval-progress';
export { evalStatuses, listEvalManifests, type EvalStatus } from './eval-status';
export { readEvalResults } from './eval-results';
export { recountEvalReport, reportAccuracy, writeEvalReport } from './eval-report-files';
export { ensureEvalFlow, ensureFlow, evalShards, type FlowSpec } from './flows';
export { EvalConflictError } from './eval-conflict-error';
export { EvalFailedError } from './eval-failed-error';
export { EvalRecordsMissingError } from './eval-records-missing-error';
export type { EvalAccuracy, EvalReportedEvent } from './types';
// The plan's `evaluate:` of every round's models (round-engine.ts asks; run.json records).
export {
  PLAN_EVAL_NAME,
  RoundEvaluator,
  type EvalGate,
  type RoundEvaluatorDeps,
} from './round-evaluator';
export { evalTableKey, readEvalTable, writeEvalTable } from './eval-table-files';
