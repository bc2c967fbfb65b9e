import { RstarError } from '@rstar-fleet/protocol';

/**
 * A step of the run stopped because this orchestrator is shutting down (or lost the run's
 * lease), not because anything failed: a round job goes back to its queue with no attempt spent,
 * and a stop reported with it exits as an interrupted command does (CANCELLED: 130).
 */
export class RoundInterruptedError extends RstarError {
  constructor(
    /** What was interrupted: `round 2 train hook`, `round job round-r-2-0`, ... */
    readonly step: string,
  ) {
    super('CANCELLED', `${step} interrupted by shutdown`);
  }
}
