import { RstarError } from '@rstar-fleet/protocol';

/** A report was asked of records that are not all there (or of no evaluation at all). */
export class EvalRecordsMissingError extends RstarError {
  constructor(message: string) {
    super('FAILED_PRECONDITION', message);
  }
}
