import { RstarError } from '@rstar-fleet/protocol';
import type { FailedShard } from './run-state';

/**
 * An evaluation whose failed shards are more than its manifest's maxFailedShare allows: no report
 * is written (it would count fewer problems than it says). Its parent job fails; the `eval`
 * command run again retries the failed shards and the report.
 */
export class EvalFailedError extends RstarError {
  constructor(
    readonly run: string,
    readonly round: number,
    readonly evaluation: string,
    readonly failedShards: readonly FailedShard[],
    message: string,
  ) {
    super('FAILED_PRECONDITION', message);
  }
}
