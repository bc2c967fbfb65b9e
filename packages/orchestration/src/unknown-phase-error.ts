import { RstarError } from '@rstar-fleet/protocol';

/** A flow was asked for a phase its round manifest does not plan (a bug: phases come from it). */
export class UnknownPhaseError extends RstarError {
  constructor(
    readonly round: number,
    readonly phase: number,
  ) {
    super('INTERNAL', `round ${round} has no phase ${phase}`);
  }
}
