import { RstarError } from '@rstar-fleet/protocol';

/** A round job of another run (same queue prefix) reached this run's round engine. */
export class ForeignRoundJobError extends RstarError {
  constructor(
    readonly jobRun: string,
    readonly run: string,
  ) {
    super('FAILED_PRECONDITION', `round job of run ${jobRun} reached the orchestrator of ${run}`);
  }
}
