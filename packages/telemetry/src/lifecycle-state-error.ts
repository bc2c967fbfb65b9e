import { RstarError } from '@rstar-fleet/protocol';

/** A lifecycle asked for a transition its state does not allow (a bug in the service's wiring). */
export class LifecycleStateError extends RstarError {
  constructor(
    readonly service: string,
    readonly phase: string,
    readonly transition: string,
  ) {
    super('INTERNAL', `${service}: cannot ${transition} while ${phase}`);
  }
}
