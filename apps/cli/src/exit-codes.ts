import { RunLeaseHeldError } from '@rstar-fleet/orchestration/lease-errors';
import { RoundFailedError } from '@rstar-fleet/orchestration/round-failed-error';
import { errorCodeOf, type ErrorCode } from '@rstar-fleet/protocol';

/**
 * The one place where error codes become process exit codes (BSD sysexits values, so shell
 * scripts and Kubernetes can tell a usage error from an outage).
 */
export const EXIT_OK = 0;
export const EXIT_USAGE = 64;
/**
 * `rstar-fleet run` refused: another orchestrator holds the run's lease (EX_CANTCREAT: the run
 * cannot be taken now). Distinct from 78 so a supervisor can wait and retry instead of paging.
 */
export const EXIT_LEASE_HELD = 73;
/**
 * A round failed (too many failed shards, an empty dataset): EX_TEMPFAIL, as the run is meant to
 * be finished after `rstar-fleet requeue --failed` and `rstar-fleet run` again.
 */
export const EXIT_ROUND_FAILED = 75;

const EXIT_CODE_BY_ERROR: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 65, // EX_DATAERR
  NOT_FOUND: 66, // EX_NOINPUT
  FAILED_PRECONDITION: 78, // EX_CONFIG
  RESOURCE_EXHAUSTED: 75, // EX_TEMPFAIL
  UNAVAILABLE: 69, // EX_UNAVAILABLE
  DEADLINE_EXCEEDED: 75, // EX_TEMPFAIL
  CANCELLED: 130, // as if interrupted by SIGINT
  INTERNAL: 70, // EX_SOFTWARE
};

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODE_BY_ERROR[code];
}

/** The exit code of a thrown value: a few error classes have their own, the rest go by code. */
export function exitCodeForError(err: unknown): number {
  if (err instanceof RunLeaseHeldError) return EXIT_LEASE_HELD;
  if (err instanceof RoundFailedError) return EXIT_ROUND_FAILED;
  return exitCodeFor(errorCodeOf(err));
}

/** `rstar-fleet --help`'s list of exit codes, written from the values above. */
export function exitCodesHelp(): string {
  const by = (code: ErrorCode): number => EXIT_CODE_BY_ERROR[code];
  const rows: [number, string][] = [
    [EXIT_OK, 'success (for `run`: every round done)'],
    [EXIT_USAGE, 'usage error (a flag or argument)'],
    [
      by('INVALID_ARGUMENT'),
      'bad input: a plan field, a corpus with no valid problem, a malformed file',
    ],
    [by('NOT_FOUND'), 'not found: a plan, a corpus, a run'],
    [by('UNAVAILABLE'), 'a service could not be reached (Redis, the store)'],
    [by('INTERNAL'), 'internal error (a bug: please report it)'],
    [EXIT_LEASE_HELD, '`run`: another orchestrator holds the run; retry once its lease expires'],
    [
      EXIT_ROUND_FAILED,
      '`run`: a round failed (failed shards, an empty dataset) or a deadline passed; requeue, run again',
    ],
    [
      by('FAILED_PRECONDITION'),
      'refused: another plan under this run id, a lost lease, a stale write',
    ],
    [by('CANCELLED'), 'stopped by a signal (SIGINT/SIGTERM); run again to resume'],
  ];
  return `\nExit codes:\n${rows.map(([code, what]) => `  ${String(code).padStart(3)}  ${what}`).join('\n')}\n`;
}
