import { RstarError } from '@rstar-fleet/protocol';
import type { SchedulerIntegrals, SchedulerSnapshot } from '../latency';
import { countTokens } from '../tokens';
import { blockHashes } from './block-hashes';
import { stepMs, type GpuCost } from './cost-model';
import { KvBlockPool, type KvBlock } from './kv-blocks';
import { GpuCapacityError } from './capacity-error';

/** One sequence a request asks the GPU for: its prompt, and the output it will write. */
export interface ServedSequence {
  prompt: string;
  /** The text the model writes (stop string included: its tokens are computed too). */
  output: string;
  /** Output tokens to decode; 0 = prefill only (`/classify`, `/pooling`). */
  outputTokens: number;
  /** The request's prompt this sequence samples from: siblings (`n` > 1) share a group. */
  group: number;
}

/** The engine's limits and cost constants (a checkpoint's `latency` with `gpu` set). */
export interface GpuEngineConfig {
  maxNumSeqs: number;
  kvCacheTokens: number;
  gpu: GpuCost;
}

/** What the engine counted since it started; times are simulated seconds. */
export interface GpuCounters {
  /** Prompt tokens looked up in the prefix cache (vLLM `prefix_cache_queries`). */
  prefixQueryTokens: number;
  /** Of them, served from the cache (vLLM `prefix_cache_hits`). */
  prefixHitTokens: number;
  /** Prompt tokens computed (prefill work, recomputation after preemption included). */
  prefillTokens: number;
  /** Output tokens decoded. */
  decodeTokens: number;
  preemptions: number;
  steps: number;
  /** Simulated seconds with a step running. */
  busySeconds: number;
  /** Simulated seconds since the engine started. */
  elapsedSeconds: number;
  /** Simulated seconds the steps ran late on the wall clock (the host could not keep up). */
  lagSeconds: number;
  /**
   * WALL seconds with no step to run (waiting for requests): the host's time, whatever the time
   * scale, so that GPU time = busy (simulated) + idle (wall) when the GPU runs faster than life.
   */
  idleWallSeconds: number;
}

/** Injectable timing: a clock (wall ms) and a timer; tests step the engine by hand. */
export interface EngineTiming {
  now: () => number;
  after: (wallMs: number, fn: () => void) => void;
}

export const realTiming: EngineTiming = {
  now: () => performance.now(),
  after: (ms, fn) => void setTimeout(fn, Math.max(0, ms)),
};

interface Request {
  left: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Sequence {
  readonly request: Request;
  readonly keys: string[];
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** Output tokens produced (kept across a preemption: vLLM V1 recomputes, it does not resample). */
  generated: number;
  /** Tokens of the context still to prefill before decoding. */
  toPrefill: number;
  blocks: KvBlock[];
  state: 'waiting' | 'running' | 'gone';
}

/** Wall time one timer may cover with consecutive decode steps (about a timer's resolution). */
const COALESCE_WALL_MS = 2;

/** How far behind the wall clock the step timeline may fall before it is re-anchored. */
const MAX_LAG_S = 0.25;

/**
 * The simulated GPU, token by token, as vLLM V1's engine loop: each step decodes one token for
 * every running sequence and spends what is left of `maxNumBatchedTokens` on prefill chunks
 * (uncached prompt tokens only), then takes the step's simulated time (`stepMs`). Sequences
 * hold KV blocks; a new sequence is admitted (FIFO) while `maxNumSeqs` and free blocks allow;
 * when a running sequence needs a block and none is free, the last admitted is preempted (its
 * blocks freed, recomputed later). The pool doubles as the prefix cache, shared by everything
 * this replica serves.
 */
export class GpuEngine {
  private readonly waiting: Sequence[] = [];
  private readonly running: Sequence[] = [];
  private pool: KvBlockPool;
  private stepping = false;
  /** Requests seen: scopes the block keys when prefix caching is off. */
  private requests = 0;
  /** Simulated ms at which the last step ended. */
  private stepEnd = 0;
  private readonly origin: number;
  private readonly totals: SchedulerIntegrals = {
    busySeqSeconds: 0,
    capacitySeqSeconds: 0,
    waitingSeqSeconds: 0,
  };
  private since = 0;
  private readonly counters: GpuCounters = {
    prefixQueryTokens: 0,
    prefixHitTokens: 0,
    prefillTokens: 0,
    decodeTokens: 0,
    preemptions: 0,
    steps: 0,
    busySeconds: 0,
    elapsedSeconds: 0,
    lagSeconds: 0,
    idleWallSeconds: 0,
  };
  /** Wall ms since which no step has run (null while stepping). */
  private idleSince: number | null;

  constructor(
    private config: GpuEngineConfig,
    private readonly timing: EngineTiming = realTiming,
  ) {
    this.origin = timing.now();
    this.idleSince = this.origin;
    this.pool = this.newPool();
  }

  /** New constants apply from the next step; the cache is kept unless its shape changed. */
  reconfigure(config: GpuEngineConfig): void {
    this.integrate();
    const reshaped =
      config.kvCacheTokens !== this.config.kvCacheTokens ||
      config.gpu.blockSize !== this.config.gpu.blockSize ||
      config.gpu.prefixCaching !== this.config.gpu.prefixCaching;
    this.config = config;
    if (reshaped && this.running.length === 0) this.pool = this.newPool();
    this.tick();
  }

  /** Serves the sequences of one request; resolves when the last one finished. */
  run(sequences: readonly ServedSequence[], signal?: AbortSignal): Promise<void> {
    if (sequences.length === 0) return Promise.resolve();
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const request: Request = { left: sequences.length, resolve, reject };
      const seqs = this.sequencesOf(request, sequences);
      const tooLong = seqs.find(
        (s) => this.blocksFor(s.promptTokens + s.outputTokens) > this.capacityBlocks(),
      );
      if (tooLong !== undefined) {
        reject(
          new GpuCapacityError(
            tooLong.promptTokens + tooLong.outputTokens,
            this.config.kvCacheTokens,
          ),
        );
        return;
      }
      this.integrate();
      this.waiting.push(...seqs);
      signal?.addEventListener('abort', () => this.cancel(request, signal.reason), { once: true });
      this.tick();
    });
  }

  snapshot(): SchedulerSnapshot {
    return {
      running: this.running.length,
      waiting: this.waiting.length,
      kvTokens: this.pool.used * this.config.gpu.blockSize,
    };
  }

  integrals(): SchedulerIntegrals {
    this.integrate();
    return { ...this.totals };
  }

  gpuCounters(): GpuCounters {
    const open = this.idleSince === null ? 0 : (this.timing.now() - this.idleSince) / 1000;
    return {
      ...this.counters,
      elapsedSeconds: this.simNowMs() / 1000,
      idleWallSeconds: this.counters.idleWallSeconds + open,
    };
  }

  private newPool(): KvBlockPool {
    return new KvBlockPool(this.capacityBlocks(), this.config.gpu.prefixCaching);
  }

  private capacityBlocks(): number {
    return Math.floor(this.config.kvCacheTokens / this.config.gpu.blockSize);
  }

  private blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.config.gpu.blockSize);
  }

  private simNowMs(): number {
    return (this.timing.now() - this.origin) / this.config.gpu.timeScale;
  }

  /** Block keys per sequence; siblings of one prompt share the prompt's keys (hashed once). */
  private sequencesOf(request: Request, sequences: readonly ServedSequence[]): Sequence[] {
    const { blockSize, prefixCaching } = this.config.gpu;
    const promptKeys = new Map<number, string[]>();
    const requestNo = this.requests++;
    return sequences.map((s) => {
      // Without prefix caching only the siblings of one prompt share its blocks (as vLLM forks a
      // sequence group's prompt), so the keys are scoped to this request's prompt.
      const salt = prefixCaching ? '' : `${requestNo}:${s.group}`;
      const shared = promptKeys.get(s.group) ?? blockHashes(s.prompt, blockSize, salt);
      promptKeys.set(s.group, shared);
      // At least one token (BOS): every sequence has a context.
      const promptTokens = Math.max(1, countTokens(s.prompt));
      return {
        request,
        keys: blockHashes(s.prompt + s.output, blockSize, salt, shared),
        promptTokens,
        outputTokens: s.outputTokens,
        generated: 0,
        toPrefill: 0,
        blocks: [],
        state: 'waiting' as const,
      };
    });
  }

  private integrate(): void {
    const now = this.simNowMs() / 1000;
    const seconds = now - this.since;
    this.since = now;
    if (seconds <= 0) return;
    this.totals.busySeqSeconds += this.running.length * seconds;
    this.totals.capacitySeqSeconds += this.config.maxNumSeqs * seconds;
    this.totals.waitingSeqSeconds += this.waiting.length * seconds;
  }

  /** Plans and starts the next step unless one is running or there is nothing to do. */
  private tick(): void {
    if (this.stepping) return;
    this.integrate();
    const { gpu } = this.config;
    // Decode: one token per running sequence past its prefill; a new block at a block boundary.
    for (const seq of [...this.running]) {
      if (seq.state === 'running' && seq.toPrefill === 0) this.growFor(seq);
    }
    const decoding = this.running.filter((s) => s.toPrefill === 0);
    let budget = gpu.maxNumBatchedTokens - decoding.length;
    const chunks = new Map<Sequence, number>();
    for (const seq of this.running) {
      if (seq.toPrefill === 0 || budget <= 0) continue;
      const chunk = Math.min(seq.toPrefill, budget);
      chunks.set(seq, chunk);
      budget -= chunk;
    }
    while (budget > 0 && this.running.length < this.config.maxNumSeqs && this.admit()) {
      const seq = this.running[this.running.length - 1]!;
      const chunk = Math.min(seq.toPrefill, budget);
      if (chunk > 0) chunks.set(seq, chunk);
      budget -= chunk;
    }
    const prefill = [...chunks.values()].reduce((a, b) => a + b, 0);
    if (decoding.length === 0 && prefill === 0) {
      this.idleSince ??= this.timing.now();
      return;
    }
    let context = decoding.reduce((s, q) => s + q.promptTokens + q.generated, 0);
    let ms = stepMs(gpu, {
      decodeSeqs: decoding.length,
      decodeContextTokens: context,
      prefillTokens: prefill,
    });
    // Pure decode steps with nothing to admit run as one timer up to a wall tick's worth of
    // simulated time, ending at the first step that finishes a sequence: the batch does not
    // change inside the run, so the steps and the integrals are those of single steps; only a
    // request arriving meanwhile waits for the run's end (≤ one tick of wall time).
    let steps = 1;
    if (chunks.size === 0 && this.waiting.length === 0) {
      const quantum = COALESCE_WALL_MS / gpu.timeScale;
      const remaining = Math.min(...decoding.map((q) => q.outputTokens - q.generated));
      while (steps < remaining && this.pool.available() >= decoding.length) {
        context += decoding.length;
        const next = stepMs(gpu, {
          decodeSeqs: decoding.length,
          decodeContextTokens: context,
          prefillTokens: 0,
        });
        if (ms + next > quantum) break;
        for (const seq of decoding) this.growFor(seq, steps);
        steps++;
        ms += next;
      }
    }
    if (this.idleSince !== null) {
      this.counters.idleWallSeconds += (this.timing.now() - this.idleSince) / 1000;
      this.idleSince = null;
    }
    const now = this.simNowMs();
    let start = this.stepEnd;
    if (now - start > MAX_LAG_S * 1000) start = now;
    else this.counters.lagSeconds += Math.max(0, now - start) / 1000;
    this.stepEnd = start + ms;
    this.stepping = true;
    this.timing.after(this.stepEnd * gpu.timeScale - (this.timing.now() - this.origin), () =>
      this.finishStep(decoding, chunks, ms, steps),
    );
  }

  private finishStep(
    decoding: Sequence[],
    chunks: Map<Sequence, number>,
    ms: number,
    steps: number,
  ): void {
    this.integrate();
    this.stepping = false;
    this.counters.steps += steps;
    this.counters.busySeconds += ms / 1000;
    for (const seq of decoding) {
      if (seq.state !== 'running') continue; // cancelled meanwhile
      seq.generated += steps;
      this.counters.decodeTokens += steps;
      if (seq.generated >= seq.outputTokens) this.finish(seq);
    }
    for (const [seq, chunk] of chunks) {
      if (seq.state !== 'running') continue;
      seq.toPrefill -= chunk;
      this.counters.prefillTokens += chunk;
      if (seq.toPrefill > 0) continue;
      // The step that completes a prefill samples the first output token.
      if (seq.generated < seq.outputTokens) {
        seq.generated++;
        this.counters.decodeTokens++;
      }
      if (seq.generated >= seq.outputTokens) this.finish(seq);
    }
    this.tick();
  }

  /**
   * Admits the head of the queue when its blocks can be had: cached prefix blocks are shared,
   * the rest taken new. vLLM always recomputes the last prompt token, so a fully cached prompt
   * still computes its last block's worth.
   */
  private admit(): boolean {
    const seq = this.waiting[0];
    if (seq === undefined) return false;
    const { blockSize, prefixCaching } = this.config.gpu;
    const context = seq.promptTokens + seq.generated;
    const needed = this.blocksFor(context);
    const hit = this.pool.matchPrefix(seq.keys, Math.floor((context - 1) / blockSize));
    const hitKeys = seq.keys.slice(0, hit);
    if (this.pool.available() - this.pool.cachedAmong(hitKeys) < needed - hit) return false;
    this.integrate();
    this.waiting.shift();
    for (let j = 0; j < needed; j++) seq.blocks.push(this.pool.acquire(seq.keys[j] ?? null)!);
    seq.toPrefill = context - hit * blockSize;
    if (prefixCaching) {
      this.counters.prefixQueryTokens += context;
      this.counters.prefixHitTokens += hit * blockSize;
    }
    seq.state = 'running';
    this.running.push(seq);
    return true;
  }

  /**
   * Gives `seq` the block its token `ahead` steps from now needs, preempting the last admitted
   * until one is free.
   */
  private growFor(seq: Sequence, ahead = 0): void {
    const needed = this.blocksFor(seq.promptTokens + seq.generated + ahead + 1);
    while (seq.blocks.length < needed) {
      const block = this.pool.acquire(seq.keys[seq.blocks.length] ?? null);
      if (block !== null) {
        seq.blocks.push(block);
        continue;
      }
      const victim = this.running[this.running.length - 1]!;
      this.preempt(victim);
      if (victim === seq) return;
    }
  }

  private preempt(seq: Sequence): void {
    this.integrate();
    this.counters.preemptions++;
    this.releaseBlocks(seq);
    this.running.splice(this.running.indexOf(seq), 1);
    seq.toPrefill = 0;
    seq.state = 'waiting';
    this.waiting.unshift(seq);
  }

  private finish(seq: Sequence): void {
    this.integrate();
    seq.state = 'gone';
    this.releaseBlocks(seq);
    this.running.splice(this.running.indexOf(seq), 1);
    if (--seq.request.left === 0) seq.request.resolve();
  }

  /** Deepest block first, so a finished sequence's tail is evicted before its shared prefix. */
  private releaseBlocks(seq: Sequence): void {
    for (let j = seq.blocks.length - 1; j >= 0; j--) this.pool.release(seq.blocks[j]!);
    seq.blocks = [];
  }

  private cancel(request: Request, reason: unknown): void {
    this.integrate();
    for (const list of [this.waiting, this.running]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const seq = list[i]!;
        if (seq.request !== request) continue;
        seq.state = 'gone';
        this.releaseBlocks(seq);
        list.splice(i, 1);
      }
    }
    request.reject(
      reason instanceof Error
        ? reason
        : new RstarError('CANCELLED', 'request cancelled', { cause: reason }),
    );
    this.tick();
  }
}
