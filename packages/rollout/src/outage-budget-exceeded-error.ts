import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/**
 * A dependency (policy, PPM, sandbox) stayed unavailable for longer than the outage budget of
 * one search unit. The shard job fails and the queue retries it later (its written units stay).
 */
export class OutageBudgetExceededError extends RstarError {
  constructor(message: string, options: RstarErrorOptions = {}) {
    super('UNAVAILABLE', message, options);
  }
}
