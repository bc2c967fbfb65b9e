import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';
import type { FailedShard } from './run-state';

/** Why a round cannot complete: too many shards failed for good, or nothing to train on. */
export type RoundFailureKind = 'failed-shards' | 'empty-dataset';

/**
 * A round that must not complete (DESIGN §8: a failed round never looks like success). The run
 * stops with status `failed` before the train hook; an operator fixes the cause, requeues, and
 * runs the plan again (the round resumes). The CLI maps it to its own exit code.
 */
export class RoundFailedError extends RstarError {
  constructor(
    readonly round: number,
    readonly kind: RoundFailureKind,
    readonly failedShards: readonly FailedShard[],
    message: string,
    options: RstarErrorOptions = {},
  ) {
    super('FAILED_PRECONDITION', message, options);
  }
}
