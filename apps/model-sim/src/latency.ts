/**
 * The simulated GPU scheduler: at most `maxNumSeqs` sequences decode at once (a request with
 * n choices holds n sequences, as vLLM V1 splits it); later requests wait in a FIFO queue. A
 * request's service time is TTFT + per-token time × its longest choice. `sleep` is injectable so
 * tests can count running/waiting without timing anything.
 */
export interface LatencyModel {
  ttftMs: number;
  perTokenMs: number;
  maxNumSeqs: number;
}

export interface SchedulerSnapshot {
  /** Sequences decoding now. */
  running: number;
  /** Sequences queued. */
  waiting: number;
  /** Tokens (prompt + completion) held by running sequences. */
  kvTokens: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  ms <= 0
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(
              signal.reason instanceof Error
                ? signal.reason
                : new Error('aborted', { cause: signal.reason }),
            );
          },
          { once: true },
        );
      });

interface Waiter {
  seqs: number;
  resolve: (admitted: number) => void;
}

export class Scheduler {
  private running = 0;
  private waitingSeqs = 0;
  private kvTokens = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    private model: LatencyModel,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Applies a new latency model (after a checkpoint load); running work is not interrupted. */
  reconfigure(model: LatencyModel): void {
    this.model = model;
    this.pump();
  }

  snapshot(): SchedulerSnapshot {
    return { running: this.running, waiting: this.waitingSeqs, kvTokens: this.kvTokens };
  }

  /** Waits for `seqs` free slots (FIFO), holds them for the service time, then frees them. */
  async run(
    seqs: number,
    tokensPerSeq: number,
    maxCompletionTokens: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const held = await this.admit(seqs);
    const kv = seqs * tokensPerSeq;
    this.kvTokens += kv;
    try {
      await this.sleep(this.model.ttftMs + this.model.perTokenMs * maxCompletionTokens, signal);
    } finally {
      this.running -= held;
      this.kvTokens -= kv;
      this.pump();
    }
  }

  /** Resolves with the slots held: a request wider than the whole batch takes all of it. */
  private admit(seqs: number): Promise<number> {
    const need = Math.min(seqs, this.model.maxNumSeqs);
    if (this.queue.length === 0 && this.running + need <= this.model.maxNumSeqs) {
      this.running += need;
      return Promise.resolve(need);
    }
    this.waitingSeqs += seqs;
    return new Promise((resolve) => this.queue.push({ seqs, resolve }));
  }

  private pump(): void {
    for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
      const need = Math.min(head.seqs, this.model.maxNumSeqs);
      if (this.running + need > this.model.maxNumSeqs) return;
      this.queue.shift();
      this.waitingSeqs -= head.seqs;
      this.running += need;
      head.resolve(need);
    }
  }
}
