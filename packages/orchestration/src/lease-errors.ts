import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/**
 * One orchestrator per run (DESIGN §8): the errors of the run lease and of the fenced run.json
 * write. The CLI maps RunLeaseHeldError to its own exit code (apps/cli/src/exit-codes.ts),
 * so a supervisor can tell "another orchestrator runs this" from a broken run.
 */

/** Another orchestrator holds the run's lease: this one must not start. */
export class RunLeaseHeldError extends RstarError {
  constructor(
    readonly run: string,
    /** Who holds it: `<host> pid <pid> started <ISO time> #<nonce>`. */
    readonly holder: string,
    /** When the lease expires unless its holder renews it. */
    readonly expiresAt: Date,
    options: RstarErrorOptions = {},
  ) {
    const inMs = Math.max(0, expiresAt.getTime() - Date.now());
    super(
      'FAILED_PRECONDITION',
      `run ${run} is held by another orchestrator (${holder}); its lease expires at ` +
        `${expiresAt.toISOString()} (in ${(inMs / 1000).toFixed(1)} s) unless that orchestrator ` +
        'renews it. Stop it first, or, if it died, start again once the lease has expired',
      options,
    );
  }
}

/**
 * This orchestrator no longer holds the run's lease (it expired and another one took it, or the
 * fencing token moved on): its writes are refused and its run stops.
 */
export class RunLeaseLostError extends RstarError {
  constructor(
    readonly run: string,
    message: string,
    options: RstarErrorOptions = {},
  ) {
    super('FAILED_PRECONDITION', `run ${run}: lost the orchestrator lease: ${message}`, options);
  }
}

/** run.json changed since this holder last read or wrote it: a stale copy is never written. */
export class StaleRunStateError extends RstarError {
  constructor(
    readonly key: string,
    readonly expectedRevision: number,
    readonly foundRevision: number | null,
  ) {
    super(
      'FAILED_PRECONDITION',
      `${key}: refusing a stale write: this orchestrator last wrote revision ${expectedRevision}, ` +
        `the store has ${foundRevision === null ? 'no run.json' : `revision ${foundRevision}`} ` +
        '(another orchestrator wrote it since)',
    );
  }
}
