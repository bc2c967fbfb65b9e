import { InvalidInputError, type InputLocation } from '@rstar-fleet/protocol';

/** Why a record was skipped: a closed set, so totals can be counted by reason. */
export const REJECT_REASONS = [
  'invalid-json',
  'not-an-object',
  'line-too-long',
  'invalid-utf8',
  'missing-field',
  'wrong-type',
  'empty-field',
  'no-answer',
  'invalid-record',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** A bad record: names file:line and the field, and says which counter it belongs to. */
export class CorpusRecordError extends InvalidInputError {
  readonly reason: RejectReason;

  constructor(reason: RejectReason, message: string, where: InputLocation) {
    super(message, where);
    this.reason = reason;
  }
}
