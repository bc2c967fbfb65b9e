import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/**
 * A record that does not belong to the evaluation its manifest describes (another benchmark or
 * mode, a run index or seed outside it, a reference unlike its problem's other runs): the report
 * would mix two evaluations.
 */
export class EvalRecordMismatchError extends RstarError {
  constructor(
    readonly key: string,
    readonly reason: string,
    options: RstarErrorOptions = {},
  ) {
    super('FAILED_PRECONDITION', `eval run ${key} does not fit the manifest: ${reason}`, options);
  }
}
