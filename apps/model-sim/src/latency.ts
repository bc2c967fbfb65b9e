import { RstarError } from '@rstar-fleet/protocol';

/**
 * The simulated GPU scheduler: at most `maxNumSeqs` sequences decode at once (a request with
 * n choices holds n sequences, as vLLM V1 splits it); later requests wait in a FIFO queue. A
 * request's service time is TTFT + per-token time × its longest choice. Given each choice's
 * length, a sequence frees its slot when it ends, as continuous batching does, so one long
 * choice does not hold its siblings' slots. `sleep` is injectable so tests can count
 * running/waiting without timing anything.
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

/**
 * Time integrals since the scheduler started, in sequence-seconds: what a benchmark divides to get
 * the server's utilisation over a window exactly (busy ÷ capacity), where sampling the
 * running-sequences gauge would only estimate it.
 */
export interface SchedulerIntegrals {
  /** ∫ running sequences dt. */
  busySeqSeconds: number;
  /** ∫ maxNumSeqs dt (the capacity the server had, across reconfigurations). */
  capacitySeqSeconds: number;
  /** ∫ queued sequences dt: demand beyond capacity (> 0 growth = the server was the bottleneck). */
  waitingSeqSeconds: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Milliseconds on a monotonic clock; injectable so tests can integrate without timing. */
export type Clock = () => number;

/** Why a request stopped: the signal's reason, as an Error (a CANCELLED RstarError otherwise). */
function cancellation(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new RstarError('CANCELLED', 'request cancelled', { cause: signal.reason });
}

export const realSleep: Sleep = (ms, signal) => {
  // A request whose client left while it queued is admitted with its signal already aborted,
  // which fires no 'abort' event again: it must not hold its slots for the whole service time.
  if (signal?.aborted === true) return Promise.reject(cancellation(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(cancellation(signal));
      },
      { once: true },
    );
  });
};

interface Waiter {
  seqs: number;
  resolve: (admitted: number) => void;
}

export class Scheduler {
  private running = 0;
  private waitingSeqs = 0;
  private kvTokens = 0;
  private readonly queue: Waiter[] = [];
  private readonly totals: SchedulerIntegrals = {
    busySeqSeconds: 0,
    capacitySeqSeconds: 0,
    waitingSeqSeconds: 0,
  };
  private since: number;

  constructor(
    private model: LatencyModel,
    private readonly sleep: Sleep = realSleep,
    private readonly clock: Clock = () => performance.now(),
  ) {
    this.since = clock();
  }

  /** Applies a new latency model (after a checkpoint load); running work is not interrupted. */
  reconfigure(model: LatencyModel): void {
    this.integrate();
    this.model = model;
    this.pump();
  }

  snapshot(): SchedulerSnapshot {
    return { running: this.running, waiting: this.waitingSeqs, kvTokens: this.kvTokens };
  }

  integrals(): SchedulerIntegrals {
    this.integrate();
    return { ...this.totals };
  }

  /** Adds the time since the last change at the levels that held during it. */
  private integrate(): void {
    const now = this.clock();
    const seconds = (now - this.since) / 1000;
    this.since = now;
    if (seconds <= 0) return;
    this.totals.busySeqSeconds += this.running * seconds;
    this.totals.capacitySeqSeconds += this.model.maxNumSeqs * seconds;
    this.totals.waitingSeqSeconds += this.waitingSeqs * seconds;
  }

  /**
   * Waits for `seqs` free slots (FIFO), holds them for the service time, then frees them.
   * `completionTokens`: the longest choice's length (every slot is held until it ends), or each
   * sequence's own length (each slot is freed when its sequence ends).
   */
  async run(
    seqs: number,
    tokensPerSeq: number,
    completionTokens: number | readonly number[],
    signal?: AbortSignal,
  ): Promise<void> {
    this.integrate();
    const held = await this.admit(seqs, signal);
    const kv = seqs * tokensPerSeq;
    this.kvTokens += kv;
    let holding = held;
    let kvHeld = kv;
    const release = (slots: number, kvPart: number): void => {
      if (holding === 0) return;
      this.integrate();
      const n = Math.min(slots, holding);
      holding -= n;
      this.running -= n;
      kvHeld -= kvPart;
      this.kvTokens -= kvPart;
      this.pump();
    };
    const serviceMs = (tokens: number): number =>
      this.model.ttftMs + this.model.perTokenMs * tokens;
    try {
      if (typeof completionTokens === 'number') {
        await this.sleep(serviceMs(completionTokens), signal);
      } else if (held < seqs || completionTokens.length !== seqs) {
        // A request wider than the batch (or lengths that do not match): held to the end.
        await this.sleep(serviceMs(Math.max(0, ...completionTokens)), signal);
      } else {
        const byLength = new Map<number, number>();
        for (const t of completionTokens) byLength.set(t, (byLength.get(t) ?? 0) + 1);
        const lengths = [...byLength.keys()].sort((a, b) => a - b);
        await Promise.all(
          lengths.map(async (tokens) => {
            await this.sleep(serviceMs(tokens), signal);
            const n = byLength.get(tokens) ?? 0;
            release(n, n * tokensPerSeq);
          }),
        );
      }
    } finally {
      release(holding, kvHeld);
    }
  }

  /**
   * Resolves with the slots held: a request wider than the whole batch takes all of it. A request
   * cancelled while it queues (its client went away) leaves the queue at once, as vLLM aborts
   * it, instead of being served to nobody ahead of the requests behind it.
   */
  private admit(seqs: number, signal?: AbortSignal): Promise<number> {
    if (signal?.aborted === true) return Promise.reject(cancellation(signal));
    const need = Math.min(seqs, this.model.maxNumSeqs);
    if (this.queue.length === 0 && this.running + need <= this.model.maxNumSeqs) {
      this.running += need;
      return Promise.resolve(need);
    }
    this.waitingSeqs += seqs;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        seqs,
        resolve: (admitted) => {
          signal?.removeEventListener('abort', leave);
          resolve(admitted);
        },
      };
      const leave = (): void => {
        const at = this.queue.indexOf(waiter);
        if (at < 0) return;
        this.integrate();
        this.queue.splice(at, 1);
        this.waitingSeqs -= seqs;
        // The head may have left: whoever is now first may fit.
        this.pump();
        reject(cancellation(signal!));
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.queue.push(waiter);
    });
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
