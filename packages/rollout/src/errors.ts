import { RstarError, errorCodeOf, type RstarErrorOptions } from '@rstar-fleet/protocol';

/**
 * The shard was cancelled (shutdown, lost lock, operator): units that finished are in the
 * results log, the rest were stopped before anything of theirs was written. A re-run resumes.
 */
export class ShardCancelledError extends RstarError {
  constructor(message = 'shard cancelled', options: RstarErrorOptions = {}) {
    super('CANCELLED', message, options);
  }
}

/**
 * A dependency (policy, PPM, sandbox) stayed unavailable for longer than the outage budget of
 * one search unit. The shard job fails and the queue retries it later (its written units stay).
 */
export class OutageBudgetExceededError extends RstarError {
  constructor(message: string, options: RstarErrorOptions = {}) {
    super('UNAVAILABLE', message, options);
  }
}

/**
 * Whether a shard failed because of what it is (malformed input, a missing manifest, shard or
 * phase, a manifest the engine rejects) rather than because of the world: retrying cannot help,
 * so the host fails the job for good (BullMQ UnrecoverableError).
 */
export function isPoisonShardError(err: unknown): boolean {
  const code = errorCodeOf(err);
  return code === 'INVALID_ARGUMENT' || code === 'NOT_FOUND';
}
