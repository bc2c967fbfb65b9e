import {
  RoundInterruptedError,
  RunLeaseHeldError,
  RunLeaseLostError,
  RunStoppedError,
} from '@rstar-fleet/orchestration';
import { ShutdownStepError } from '@rstar-fleet/telemetry';
import { ERROR_CODES, RstarError } from '@rstar-fleet/protocol';
import {
  EXIT_LEASE_HELD,
  EXIT_ROUND_FAILED,
  exitCodeFor,
  exitCodeForError,
  exitCodesHelp,
} from './exit-codes';

describe('exit codes', () => {
  it('gives a run held by another orchestrator its own exit code', () => {
    const held = new RunLeaseHeldError('r', 'host pid 1 started now #ab', new Date());
    expect(exitCodeForError(held)).toBe(EXIT_LEASE_HELD);
    expect(ERROR_CODES.map(exitCodeFor)).not.toContain(EXIT_LEASE_HELD);
    // A lost lease is a run that stopped, not a refusal.
    expect(exitCodeForError(new RunLeaseLostError('r', 'taken over'))).toBe(78);
    expect(exitCodeForError(new RstarError('FAILED_PRECONDITION', 'x'))).toBe(78);
    expect(exitCodeForError(new Error('bug'))).toBe(70);
  });

  it('exits 130 for an interrupted run, as for SIGINT, never 70 (a bug)', () => {
    const shutdown = {
      reason: 'SIGTERM',
      drain: 'forced' as const,
      forcedBy: 'grace over',
      // What the shutdown met does not change the outcome: the run was stopped.
      failures: [new ShutdownStepError('redis', 2_000)],
      durationMs: 2_400,
    };
    expect(exitCodeForError(new RunStoppedError('r', 'SIGTERM', shutdown))).toBe(130);
    // A hook stopped by the shutdown was a bare Error, hence INTERNAL: exit 70.
    expect(exitCodeForError(new RoundInterruptedError('round 1 train hook'))).toBe(130);
  });

  it('lists every exit code the CLI can end with in --help', () => {
    const listed = [...exitCodesHelp().matchAll(/^ +(\d+) {2}/gm)].map((m) => Number(m[1]));
    const possible = new Set([
      0,
      64,
      EXIT_LEASE_HELD,
      EXIT_ROUND_FAILED,
      ...ERROR_CODES.map(exitCodeFor),
    ]);
    expect(new Set(listed)).toEqual(possible);
  });
});
