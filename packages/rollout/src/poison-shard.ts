import { errorCodeOf } from '@rstar-fleet/protocol';

/**
 * Whether a shard failed because of what it is (malformed input, a missing manifest, shard or
 * phase, a manifest the engine rejects) rather than because of the world: retrying cannot help,
 * so the host fails the job for good (BullMQ UnrecoverableError).
 */
export function isPoisonShardError(err: unknown): boolean {
  const code = errorCodeOf(err);
  return code === 'INVALID_ARGUMENT' || code === 'NOT_FOUND';
}
