import { RstarError } from '@rstar-fleet/protocol';

/** Models of a round were asked for (`eval --round R`) and that round deployed none (yet). */
export class UndeployedRoundError extends RstarError {
  constructor(
    readonly run: string,
    readonly round: number,
    why: string,
  ) {
    super(
      'FAILED_PRECONDITION',
      `run ${run}, round ${round} has deployed no models (${why}); evaluate a deployed round, ` +
        "or round 0 (the plan's starting models)",
    );
  }
}
