import { RstarError } from '@rstar-fleet/protocol';

/**
 * Two records share one evalRunKey. The fleet writes each (benchmark, mode, problem, seed) exactly
 * once, so a second one means a broken results log; counting either would make the report depend
 * on which one was read.
 */
export class DuplicateEvalRunError extends RstarError {
  constructor(readonly key: string) {
    super('FAILED_PRECONDITION', `eval run ${key} is recorded twice; each run is written once`);
  }
}
