/**
 * Defaults the command line shows in its help (`rstar-fleet run --help`, `status --help`). A
 * module that imports nothing, exported as `@rstar-fleet/orchestration/command-defaults`: defining
 * the commands must not load a Redis client (every hook pays the CLI's start).
 */

/** Default time-to-live of a run's orchestrator lease (`rstar-fleet run --lease-ms`). */
export const DEFAULT_LEASE_MS = 30_000;

/** How long `status` waits for Redis before answering from the store alone. */
export const STATUS_REDIS_DEADLINE_MS = 3000;
