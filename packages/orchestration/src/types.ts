import type { TestTimeMode, WorkerHealthRecord } from '@rstar-fleet/protocol';
import type { ArtifactStore } from '@rstar-fleet/store';
import type { RoundTable } from '@rstar-fleet/evaluation';
import type {
  HookOutcome,
  IngestSummary,
  RoundEval,
  RoundStatus,
  RunState,
  RunStatusName,
} from './run-state';
import type { EvalSourceOptions } from './eval-sources';
import type { EvalStatus } from './eval-status';
import type { RoundStats } from './stats';

/** Where orchestration code logs (a pino logger fits; the default drops everything). */
export interface FleetLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: FleetLogger = { info() {}, warn() {}, error() {} };

/** Everything the host (CLI, demo, tests) hands the orchestrator; the plan itself is typed. */
export interface FleetOptions {
  /** The plan file's text: the run id hashes it and `runs/<run>/plan.yaml` keeps it. */
  planText: string;
  /** Run id; default `<plan name>-<8 hex of sha256(plan text)>`, so a re-run resumes. */
  run?: string;
  /** Redis password (the app reads the variable `plan.redis.passwordEnv` names). */
  redisPassword?: string;
  /** Artifact store; default opened from `plan.store` (see openStore). */
  store?: ArtifactStore;
  /** Local spool directory for S3 result logs. Default `<tmpdir>/rstar-fleet-spool`. */
  spoolDir?: string;
  /**
   * The CLI script of this installation: a hook whose argv[0] is exactly `rstar-fleet` runs
   * `process.execPath <cliScript> ...` (no PATH lookup, same version). Required for such hooks.
   */
  cliScript?: string;
  /** Environment of hook processes. Default: this process's environment (inherited). */
  hookEnv?: Record<string, string | undefined>;
  /** Kubernetes access for `kubernetesJob` hooks (default: the kubeconfig's current context). */
  kube?: KubeAccess;
  /**
   * Where the plan's `evaluate:` reads its named benchmarks (the folder, synth-heldout's seed and
   * size); required when the plan has `evaluate:` (the host resolves it at its edge).
   */
  evalSources?: EvalSourceOptions;
  /** Retry settings of shard jobs (attempts, backoff); defaults from @rstar-fleet/queue. */
  shardRetry?: { attempts?: number; backoffMs?: number };
  /** Shards per FlowProducer call when a phase has many shards. Default 500 (FLEET_OPTION_DEFAULTS). */
  flowChunk?: number;
  /**
   * Time-to-live of the run's orchestrator lease in Redis (renewed every third of it): how long
   * a crashed orchestrator keeps others from taking its run over. Hosts pass DEFAULT_LEASE_MS
   * (30 000) unless told otherwise (`rstar-fleet run --lease-ms`).
   */
  leaseMs: number;
  /** How long `close()` waits for the rounds worker before forcing. Default 10 000 ms (FLEET_OPTION_DEFAULTS). */
  closeGraceMs?: number;
  logger?: FleetLogger;
}

/** Kubernetes API access for Job hooks. */
export interface KubeAccess {
  /** A kubeconfig file; default the library's loadFromDefault() (in-cluster or ~/.kube/config). */
  kubeconfig?: string;
  /** Or a bare API server (tests, `kubectl proxy`): no auth, no TLS. */
  server?: string;
  /** Namespace when neither the hook nor the manifest names one. Default `default`. */
  namespace?: string;
}

export interface IngestProgress {
  records: number;
  rejects: number;
  duplicates: number;
  shards: number;
}

export interface PhaseStartEvent {
  round: number;
  phase: number;
  shards: number;
  problems: number;
  /** Search units: problems × trees of the phase. */
  units: number;
  /** The phase was started by an earlier orchestrator (this one resumed it). */
  resumed: boolean;
}

export interface ShardProgressEvent {
  round: number;
  phase: number;
  shard: number;
  /** Search units of this shard finished (written or found already written). */
  unitsDone: number;
}

export interface RoundDoneEvent {
  round: number;
  stats: RoundStats;
  hooks: { train: HookOutcome | null; deploy: HookOutcome | null };
}

/** A train or deploy hook finished (any outcome); for metrics. */
export interface HookDoneEvent {
  round: number;
  hook: 'train' | 'deploy';
  outcome: HookOutcome;
}

/** A shard job of this run moved to `failed` (its attempts are spent, or it is poison). */
export interface ShardFailedEvent {
  round: number;
  shard: number;
  reason: string;
}

/** One benchmark × mode accuracy of an evaluation's report (null: nothing recorded). */
export interface EvalAccuracy {
  benchmark: string;
  mode: TestTimeMode;
  accuracy: number | null;
}

/** An evaluation's report was written (by this process). */
export interface EvalReportedEvent {
  run: string;
  /** Whose models (0: the plan's starting models). */
  round: number;
  evaluation: string;
  accuracy: EvalAccuracy[];
}

/** Callbacks the CLI (progress bars) and the demo use; all optional, all synchronous. */
export interface FleetObserver {
  ingestProgress?(progress: IngestProgress): void;
  ingestDone?(summary: IngestSummary): void;
  phaseStarted?(event: PhaseStartEvent): void;
  shardProgress?(event: ShardProgressEvent): void;
  /** A round entered a new status (extracting, training, ...). */
  roundStatus?(round: number, status: RoundStatus): void;
  roundDone?(event: RoundDoneEvent): void;
  runDone?(state: RunState): void;
  hookDone?(event: HookDoneEvent): void;
  shardFailed?(event: ShardFailedEvent): void;
  evalReported?(event: EvalReportedEvent): void;
}

/** BullMQ job counts of one queue by state (waiting, active, delayed, failed, ...). */
export type QueueJobCounts = Record<string, number>;

export const SHARD_STATES = [
  'waiting',
  'active',
  'delayed',
  'completed',
  'failed',
  'missing',
] as const;
export type ShardState = (typeof SHARD_STATES)[number];

export interface ShardFailure {
  round: number;
  phase: number;
  shard: number;
  /** BullMQ's failedReason (the last error). */
  reason: string;
  attempts: number;
}

/** `rstar-fleet status --json` and `GET /status`. */
export interface RunStatus {
  run: string;
  /**
   * run.json's status; `not-started` for a run `rstar-fleet run` has not begun (no run.json)
   * whose models were evaluated all the same (`rstar-fleet eval --round 0`): its evaluations.
   */
  status: RunStatusName | 'not-started';
  error: string | null;
  /** The round in progress (or the last one when the run is done); null before ingest ends. */
  round: number | null;
  roundStatus: RoundStatus | null;
  phase: number | null;
  rounds: number;
  shards: Record<ShardState, number> & { total: number };
  problems: { total: number; done: number; solved: number };
  units: { total: number; done: number };
  rates: { problemsPerSecond: number; unitsPerSecond: number; elapsedSeconds: number };
  /** Seconds until the current phase's search ends at the current rate; null when unknown. */
  etaSeconds: number | null;
  failures: ShardFailure[];
  rejects: { total: number; byReason: Record<string, number> };
  duplicates: number;
  history: {
    round: number;
    status: RoundStatus;
    problems: number | null;
    solved: number | null;
    sftRows: number | null;
    pairs: number | null;
    failedShards: number;
  }[];
  /**
   * The rollout workers reporting on this prefix, each with its dependencies' health (up or
   * down since when, address, error code and message); a worker gone for longer than its
   * record's TTL is not listed.
   */
  workers: WorkerHealthRecord[];
  /**
   * The run's evaluations (`rstar-fleet eval`), round by round: progress (units done/total, ETA)
   * from Redis, and each report's accuracy per benchmark and mode once written.
   */
  evaluations: EvalStatus[];
  /** The plan's `evaluate:` round by round, as run.json has it (status, note, accuracies). */
  roundEvaluations: RoundEval[];
  /**
   * The round-by-round table of the plan's evaluations (rows: rounds 0..N, columns: benchmark ×
   * mode), as `runs/<run>/eval-table.json` has it; null before the first is reported.
   */
  roundTable: RoundTable | null;
  /**
   * Whether Redis answered this status (shard states, failures and progress come from it); when
   * not, the rest is what the store knows (run.json, the manifest, stats.json).
   */
  redis: { address: string; reachable: boolean; error: string | null };
}

export type RequeueTarget =
  { kind: 'failed' } | { kind: 'stalled' } | { kind: 'shard'; shard: number };

export interface RequeueOptions {
  /**
   * Round of the shards (and of the evaluations of that round's models); default the current
   * round for `shard N`, every round and every evaluation for failed/stalled.
   */
  round?: number;
  /**
   * The shards of this evaluation only (`eval`, `plan`, …); its round defaults to the newest
   * with an evaluation of that name.
   */
  evaluation?: string;
}

/** A shard requeue looked at: a round's own, or an evaluation's (`evaluation` set). */
export interface RequeuedShard {
  round: number;
  /** The evaluation the eval shard belongs to; absent for a round's shard. */
  evaluation?: string;
  shard: number;
}

export interface RequeueOutcome {
  requeued: (RequeuedShard & { from: ShardState })[];
  skipped: (RequeuedShard & { state: ShardState; why: string })[];
  /** Rounds already completed whose datasets need `rstar-fleet extract` once these finish. */
  reextract: number[];
  /**
   * Evaluations whose report must be written again once their requeued shards finish:
   * `reported` (recounted by `rstar-fleet eval --report`) or `failed` (its parent job failed:
   * the same `rstar-fleet eval`, or `run` for the plan's, writes it).
   */
  reevaluate: { round: number; evaluation: string; was: 'reported' | 'failed' }[];
}
