import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { ROLLOUT_DEFAULTS } from '@rstar-fleet/rollout/options';

/** Flag defaults of `rstar-fleet worker`. */
export const WORKER_DEFAULTS = {
  concurrency: 2,
  problemsInFlight: ROLLOUT_DEFAULTS.problemsInFlight,
  treeConcurrency: ROLLOUT_DEFAULTS.treeConcurrency,
  /**
   * Policy/PPM requests in flight per inference endpoint (the governor's budget). A request
   * holds up to n sequences, but most of them finish early, so a request keeps ~1.5 sequences
   * busy on average: one worker at 512 keeps a 512-sequence server 99 % busy, at 256 only 76 %
   * (bench fleet-saturation). The server queues any excess.
   */
  maxInFlight: 512,
  /**
   * The shortest deadline an inference request gets once its endpoint's answer times are learned
   * (the governor's `deadline.adaptive.floorMs`): a hung request costs about this much. Raise it
   * for a server whose answers are slow but healthy.
   */
  deadlineFloorMs: 5_000,
  httpHost: '127.0.0.1',
  httpPort: 9401,
  graceMs: 30_000,
  /** BullMQ lock of an active shard job; renewed every half of it. */
  lockDurationMs: 120_000,
  /** Stalls (lock lost: crash, frozen loop) before a shard job fails. */
  maxStalledCount: 3,
  logLevel: 'info',
  /** How often every dependency (sandbox, policy, PPM, Redis) is probed; the health record's TTL is 5 of these. */
  healthIntervalMs: 2_000,
  /** Deadline of one dependency probe. */
  healthTimeoutMs: 1_500,
  /**
   * How long after its last shard job ended a run's dependencies (its round manifest's sandbox,
   * policy and PPM endpoints) are still probed: its servers may go once the run is done.
   */
  healthForgetMs: 300_000,
} as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);

const flagsSchema = z.object({
  plan: z.string().min(1),
  concurrency: int(1, 1024).default(WORKER_DEFAULTS.concurrency),
  problemsInFlight: int(1, 65_536).default(WORKER_DEFAULTS.problemsInFlight),
  treeConcurrency: int(1, 4096).default(WORKER_DEFAULTS.treeConcurrency),
  maxInFlight: int(1, 65_536).default(WORKER_DEFAULTS.maxInFlight),
  deadlineFloorMs: int(1).default(WORKER_DEFAULTS.deadlineFloorMs),
  httpHost: z.string().min(1).default(WORKER_DEFAULTS.httpHost),
  httpPort: int(0, 65_535).default(WORKER_DEFAULTS.httpPort),
  graceMs: int(0).default(WORKER_DEFAULTS.graceMs),
  lockDurationMs: int(5_000).default(WORKER_DEFAULTS.lockDurationMs),
  outageBudgetMs: int(0).optional(),
  name: z.string().min(1).optional(),
  healthIntervalMs: int(100).default(WORKER_DEFAULTS.healthIntervalMs),
  healthTimeoutMs: int(50).default(WORKER_DEFAULTS.healthTimeoutMs),
  healthForgetMs: int(0).default(WORKER_DEFAULTS.healthForgetMs),
  logLevel: z.enum(LOG_LEVELS).default(WORKER_DEFAULTS.logLevel),
});

export type WorkerConfig = z.output<typeof flagsSchema>;

/** Parses commander's flags once; errors name the flag. */
export function parseWorkerConfig(flags: Record<string, unknown>): WorkerConfig {
  const parsed = flagsSchema.safeParse(flags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? 'flags').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new InvalidInputError(issue?.message ?? 'invalid', { field: `--${flag}` });
  }
  return parsed.data;
}
