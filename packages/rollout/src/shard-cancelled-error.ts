import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/**
 * The shard was cancelled (shutdown, lost lock, operator): units that finished are in the
 * results log, the rest were stopped before anything of theirs was written. A re-run resumes.
 */
export class ShardCancelledError extends RstarError {
  constructor(message = 'shard cancelled', options: RstarErrorOptions = {}) {
    super('CANCELLED', message, options);
  }
}
