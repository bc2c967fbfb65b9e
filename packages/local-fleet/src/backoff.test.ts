import { CrashBackoff } from './backoff';
import { compileSupervisorOptions } from './options';

const options = compileSupervisorOptions({
  backoffInitialMs: 100,
  backoffMaxMs: 500,
  backoffResetMs: 10_000,
  giveUpCrashes: 5,
  giveUpWindowMs: 60_000,
});

describe('CrashBackoff (CrashLoopBackOff-like schedule)', () => {
  it('doubles the pause per crash in a row, up to the cap, and gives up at the Nth crash in the window', () => {
    const backoff = new CrashBackoff(options);
    const decisions = [0, 1, 2, 3, 4].map((i) => backoff.crashed(i * 1_000, 50));
    expect(decisions).toEqual([
      { action: 'restart', delayMs: 100, crashesInWindow: 1 },
      { action: 'restart', delayMs: 200, crashesInWindow: 2 },
      { action: 'restart', delayMs: 400, crashesInWindow: 3 },
      { action: 'restart', delayMs: 500, crashesInWindow: 4 },
      { action: 'give-up', crashesInWindow: 5 },
    ]);
  });

  it('starts from the initial pause again after a child stayed up long enough', () => {
    const backoff = new CrashBackoff({ ...options, giveUpCrashes: 100 });
    expect(backoff.crashed(0, 50)).toMatchObject({ delayMs: 100 });
    expect(backoff.crashed(1_000, 50)).toMatchObject({ delayMs: 200 });
    expect(backoff.crashed(2_000, 50)).toMatchObject({ delayMs: 400 });
    expect(backoff.crashed(20_000, 10_000)).toMatchObject({ delayMs: 100 });
    expect(backoff.crashed(21_000, 50)).toMatchObject({ delayMs: 200 });
  });

  it('counts only the crashes within the window towards giving up', () => {
    const backoff = new CrashBackoff(options);
    for (let i = 0; i < 4; i++) expect(backoff.crashed(i * 1_000, 50).action).toBe('restart');
    // The first crash (t=0) has left the window at t=60 000: four in the window, not five.
    expect(backoff.crashed(60_000, 50)).toMatchObject({ action: 'restart', crashesInWindow: 4 });
    expect(backoff.crashed(60_500, 50)).toMatchObject({ action: 'give-up', crashesInWindow: 5 });
  });
});

describe('compileSupervisorOptions', () => {
  it('fills in the documented defaults once and names a bad field', () => {
    expect(compileSupervisorOptions({})).toMatchObject({
      restart: 'always',
      backoffInitialMs: 500,
      backoffMaxMs: 8_000,
      giveUpCrashes: 5,
      giveUpWindowMs: 60_000,
      stopGraceMs: 10_000,
    });
    expect(() => compileSupervisorOptions({ stopGraceMs: -1 })).toThrow('supervisor.stopGraceMs');
    expect(() => compileSupervisorOptions({ backoffInitialMs: 900, backoffMaxMs: 100 })).toThrow(
      'supervisor.backoffMaxMs',
    );
  });
});
