import { abortReason } from './sleep';

/**
 * Bounds the requests in flight to one endpoint. Waiters queue FIFO (the oldest expansion goes
 * first, so no tree starves); the limit can move at run time (adaptive governor) and a waiter
 * leaves the queue when its signal aborts.
 */
export class InFlightLimiter {
  private active = 0;
  private current: number;
  private readonly waiters: Array<{ grant: () => void }> = [];

  constructor(limit: number) {
    this.current = limit;
  }

  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length;
  }

  setLimit(limit: number): void {
    this.current = Math.max(1, Math.floor(limit));
    this.drain();
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: (): void => {
          signal?.removeEventListener('abort', onAbort);
          this.active += 1;
          resolve(this.releaser());
        },
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.drain();
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.current) {
      const next = this.waiters.shift();
      if (next === undefined) return;
      next.grant();
    }
  }
}
