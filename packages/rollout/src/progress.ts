import type { ShardProgress } from '@rstar-fleet/protocol';

/**
 * Sends progress at most every `intervalMs`, one report at a time (a slow or absent Redis
 * must not pile reports up or slow the search), and the latest state once the previous report
 * settles. Reports are fire-and-forget: progress is advisory, the results log is the truth.
 */
export class ProgressThrottle {
  private lastSentAt = -Infinity;
  private sending = false;
  private pending: ShardProgress | null = null;
  private forced = false;

  constructor(
    private readonly send: ((p: ShardProgress) => void | Promise<void>) | undefined,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  update(progress: ShardProgress, force = false): void {
    if (this.send === undefined) return;
    this.pending = { ...progress };
    this.forced ||= force;
    if (this.sending) return;
    if (!force && this.now() - this.lastSentAt < this.intervalMs) return;
    this.flush();
  }

  private flush(): void {
    const progress = this.pending;
    if (progress === null || this.send === undefined) return;
    this.pending = null;
    this.forced = false;
    this.sending = true;
    this.lastSentAt = this.now();
    const send = this.send;
    void (async () => {
      try {
        await send(progress);
      } catch {
        // advisory: a failed report is replaced by the next one
      } finally {
        this.sending = false;
      }
      if (this.forced || this.now() - this.lastSentAt >= this.intervalMs) this.flush();
    })();
  }
}
