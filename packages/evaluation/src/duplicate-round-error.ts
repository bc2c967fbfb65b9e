import { RstarError } from '@rstar-fleet/protocol';

/** Two reports given for one round of a round table: a row would have two values per cell. */
export class DuplicateRoundError extends RstarError {
  constructor(readonly round: number) {
    super('INVALID_ARGUMENT', `round ${round} has more than one report in the round table`);
  }
}
