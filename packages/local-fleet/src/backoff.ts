import type { CompiledSupervisorOptions } from './options';

/** What the supervisor does after a crash. */
export type CrashDecision =
  | { readonly action: 'restart'; readonly delayMs: number; readonly crashesInWindow: number }
  | { readonly action: 'give-up'; readonly crashesInWindow: number };

/**
 * The restart schedule of one child, as Kubernetes' CrashLoopBackOff: the first restart after
 * `backoffInitialMs`, each crash in a row doubles the pause up to `backoffMaxMs`, and a child
 * that stayed up `backoffResetMs` starts from the initial pause again. Crashes are also counted
 * in a sliding window: `giveUpCrashes` of them within `giveUpWindowMs` and the supervisor gives
 * up (Kubernetes never does; a local run should end with the reason instead). Pure: the caller
 * passes the times.
 */
export class CrashBackoff {
  private inARow = 0;
  private readonly crashes: number[] = [];

  constructor(
    private readonly options: Pick<
      CompiledSupervisorOptions,
      'backoffInitialMs' | 'backoffMaxMs' | 'backoffResetMs' | 'giveUpCrashes' | 'giveUpWindowMs'
    >,
  ) {}

  /** A crash at `now` after `upMs` of running (0 for a start that never got ready). */
  crashed(now: number, upMs: number): CrashDecision {
    if (upMs >= this.options.backoffResetMs) this.inARow = 0;
    this.crashes.push(now);
    while ((this.crashes[0] ?? now) <= now - this.options.giveUpWindowMs) this.crashes.shift();
    const crashesInWindow = this.crashes.length;
    if (crashesInWindow >= this.options.giveUpCrashes) {
      return { action: 'give-up', crashesInWindow };
    }
    const delayMs = Math.min(
      this.options.backoffMaxMs,
      this.options.backoffInitialMs * 2 ** Math.min(this.inARow, 30),
    );
    this.inARow++;
    return { action: 'restart', delayMs, crashesInWindow };
  }
}
