import { RunLeaseHeldError, RunLeaseLostError } from '@rstar-fleet/orchestration';
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
