import type { GpuCost } from './cost-model';
import { GpuEngine, type EngineTiming, type ServedSequence } from './engine';
import { GPU_PRESETS } from './presets';

/** Steps the engine by hand: each step's simulated duration is the delay it asked for. */
function manualTiming(): { timing: EngineTiming; step: () => number; pending: () => number } {
  let now = 0;
  const queue: { ms: number; fn: () => void }[] = [];
  return {
    timing: { now: () => now, after: (ms, fn) => void queue.push({ ms, fn }) },
    step: () => {
      const next = queue.shift();
      if (next === undefined) throw new Error('no step pending');
      now += next.ms;
      next.fn();
      return next.ms;
    },
    pending: () => queue.length,
  };
}

/** Small blocks (4 tokens = 16 characters) so a scripted sequence is easy to count by hand. */
const tinyGpu = (over: Partial<GpuCost> = {}): GpuCost => ({
  ...GPU_PRESETS['h100-7b']!.gpu,
  blockSize: 4,
  ...over,
});

const prefillOnly = (prompt: string): ServedSequence[] => [
  { prompt, output: '', outputTokens: 0, group: 0 },
];

/** Runs steps until `done` settles. */
async function drain(
  clock: ReturnType<typeof manualTiming>,
  done: Promise<unknown>,
): Promise<void> {
  let settled = false;
  void done.finally(() => (settled = true));
  while (!settled) {
    if (clock.pending() > 0) clock.step();
    await new Promise((r) => setImmediate(r));
  }
  await done;
}

const chars = (c: string, tokens: number): string => c.repeat(tokens * 4);

describe('prefix cache (block granularity, LRU)', () => {
  it('counts queried and hit tokens by full blocks on a scripted sequence', async () => {
    const clock = manualTiming();
    const engine = new GpuEngine(
      { maxNumSeqs: 16, kvCacheTokens: 4096, gpu: tinyGpu() },
      clock.timing,
    );
    const a = chars('a', 10); // 10 tokens: 2 full blocks + 2 tokens
    await drain(clock, engine.run(prefillOnly(a)));
    expect(engine.gpuCounters()).toMatchObject({ prefixQueryTokens: 10, prefixHitTokens: 0 });
    await drain(clock, engine.run(prefillOnly(a))); // the same prompt: its 2 full blocks hit
    expect(engine.gpuCounters()).toMatchObject({ prefixQueryTokens: 20, prefixHitTokens: 8 });
    // A longer prompt sharing a's first 10 tokens: only a's full blocks can hit.
    await drain(clock, engine.run(prefillOnly(a + chars('b', 6))));
    expect(engine.gpuCounters()).toMatchObject({ prefixQueryTokens: 36, prefixHitTokens: 16 });
    // An unrelated prompt hits nothing; the prefill work is every token not hit.
    await drain(clock, engine.run(prefillOnly(chars('c', 12))));
    expect(engine.gpuCounters()).toMatchObject({
      prefixQueryTokens: 48,
      prefixHitTokens: 16,
      prefillTokens: 48 - 16,
    });
  });

  it('reuses a parent request’s generated blocks for the child prompt (prompt + step)', async () => {
    const clock = manualTiming();
    const engine = new GpuEngine(
      { maxNumSeqs: 16, kvCacheTokens: 4096, gpu: tinyGpu() },
      clock.timing,
    );
    const prompt = chars('p', 8);
    const step = chars('s', 8);
    await drain(clock, engine.run([{ prompt, output: step, outputTokens: 8, group: 0 }]));
    await drain(clock, engine.run(prefillOnly(prompt + step + chars('t', 2))));
    // 18 tokens: 4 full blocks, all written by the parent (2 of prompt, 2 of its output).
    expect(engine.gpuCounters()).toMatchObject({ prefixQueryTokens: 8 + 18, prefixHitTokens: 16 });
  });

  it('evicts the least recently used blocks when the cache is full', async () => {
    const clock = manualTiming();
    // 4 blocks of 4 tokens: room for two 8-token prompts.
    const engine = new GpuEngine(
      { maxNumSeqs: 4, kvCacheTokens: 16, gpu: tinyGpu() },
      clock.timing,
    );
    const [p1, p2, p3] = [chars('x', 8), chars('y', 8), chars('z', 8)];
    for (const p of [p1, p2, p3]) await drain(clock, engine.run(prefillOnly(p)));
    expect(engine.gpuCounters().prefixHitTokens).toBe(0);
    // p3 evicted p1 (least recently used); p2 is still cached: its first block hits (the last
    // prompt token is always recomputed, so at most 1 of its 2 blocks can).
    await drain(clock, engine.run(prefillOnly(p2)));
    expect(engine.gpuCounters().prefixHitTokens).toBe(4);
    await drain(clock, engine.run(prefillOnly(p1)));
    expect(engine.gpuCounters().prefixHitTokens).toBe(4);
  });

  it('with caching off shares a prompt only among the siblings of one request', async () => {
    const clock = manualTiming();
    const engine = new GpuEngine(
      { maxNumSeqs: 16, kvCacheTokens: 4096, gpu: tinyGpu({ prefixCaching: false }) },
      clock.timing,
    );
    const prompt = chars('q', 16);
    const siblings = (n: number): ServedSequence[] =>
      Array.from({ length: n }, (_, i) => ({
        prompt,
        output: String(i).repeat(4),
        outputTokens: 1,
        group: 0,
      }));
    await drain(clock, engine.run(siblings(4)));
    const once = engine.gpuCounters().prefillTokens;
    // 4 siblings: the first computes 16 tokens, the others share its 3 full prompt blocks and
    // compute the rest of the last block (4 tokens each).
    expect(once).toBe(16 + 3 * 4);
    await drain(clock, engine.run(siblings(4)));
    expect(engine.gpuCounters().prefillTokens).toBe(2 * once); // nothing kept across requests
    expect(engine.gpuCounters()).toMatchObject({ prefixQueryTokens: 0, prefixHitTokens: 0 });
  });
});

describe('KV capacity and preemption', () => {
  it('preempts the last admitted sequence when a running one needs a block, and finishes both', async () => {
    const clock = manualTiming();
    // 8 blocks of 4 tokens; two sequences of 12 prompt + 12 output tokens need 12 blocks in all.
    const engine = new GpuEngine(
      { maxNumSeqs: 8, kvCacheTokens: 32, gpu: tinyGpu() },
      clock.timing,
    );
    const seq = (c: string): ServedSequence => ({
      prompt: chars(c, 12),
      output: chars(c.toUpperCase(), 12),
      outputTokens: 12,
      group: 0,
    });
    const order: string[] = [];
    const a = engine.run([seq('a')]).then(() => order.push('a'));
    const b = engine.run([seq('b')]).then(() => order.push('b'));
    expect(engine.snapshot()).toMatchObject({ running: 1, waiting: 1 }); // b waits for the step
    clock.step();
    expect(engine.snapshot()).toMatchObject({ running: 2, waiting: 0 });
    await drain(clock, Promise.all([a, b]));
    expect(engine.gpuCounters().preemptions).toBeGreaterThanOrEqual(1);
    expect(order).toEqual(['a', 'b']); // the first admitted kept running
    expect(engine.gpuCounters().decodeTokens).toBe(24);
    expect(engine.snapshot()).toMatchObject({ running: 0, waiting: 0, kvTokens: 0 });
  });

  it('holds a request in the queue while its blocks cannot be had', async () => {
    const clock = manualTiming();
    const engine = new GpuEngine(
      { maxNumSeqs: 8, kvCacheTokens: 32, gpu: tinyGpu() },
      clock.timing,
    );
    const big = engine.run(prefillOnly(chars('m', 28)));
    const next = engine.run(prefillOnly(chars('n', 8)));
    expect(engine.snapshot()).toMatchObject({ running: 1, waiting: 1 });
    await drain(clock, Promise.all([big, next]));
    expect(engine.gpuCounters().preemptions).toBe(0);
  });

  it('refuses a sequence longer than the whole cache', async () => {
    const engine = new GpuEngine(
      { maxNumSeqs: 8, kvCacheTokens: 32, gpu: tinyGpu() },
      manualTiming().timing,
    );
    await expect(engine.run(prefillOnly(chars('z', 40)))).rejects.toThrow(/does not fit/);
  });
});

describe('decode steps in the engine', () => {
  it('takes longer per step as the running batch grows', async () => {
    const stepAt = async (batch: number): Promise<number> => {
      const clock = manualTiming();
      const engine = new GpuEngine(
        { maxNumSeqs: 1024, kvCacheTokens: 1_000_000, gpu: GPU_PRESETS['h200-7b']!.gpu },
        clock.timing,
      );
      const done = engine.run(
        Array.from({ length: batch }, (_, i) => ({
          prompt: `${i}:${'w'.repeat(1020 * 4)}`,
          output: 'o'.repeat(800),
          outputTokens: 200,
          group: i,
        })),
      );
      // Prefill chunks ride along until the last sequence is admitted and its prompt (split
      // over at most two steps) is in; after that every sequence only decodes: measure a step.
      while (engine.snapshot().running < batch) clock.step();
      clock.step();
      clock.step();
      const ms = clock.step();
      await drain(clock, done);
      return ms;
    };
    const [b1, b128, b512] = [await stepAt(1), await stepAt(128), await stepAt(512)];
    expect(b1).toBeCloseTo(5.24, 1);
    expect(b128).toBeCloseTo(8.08, 1);
    expect(b512).toBeCloseTo(20.72, 0);
  });
});

describe('coalesced decode steps (a GPU faster than life)', () => {
  it('gives the same steps, tokens and busy time with far fewer timers', async () => {
    const run = async (
      timeScale: number,
    ): Promise<{ timers: number; busy: number; steps: number; tokens: number }> => {
      const clock = manualTiming();
      const engine = new GpuEngine(
        {
          maxNumSeqs: 64,
          kvCacheTokens: 100_000,
          gpu: { ...GPU_PRESETS['h100-7b']!.gpu, timeScale },
        },
        clock.timing,
      );
      let timers = 0;
      const lengths = [3, 40, 700, 2048];
      const done = engine.run(
        lengths.map((t, i) => ({
          prompt: `q${i}`.repeat(200),
          output: 'x'.repeat(4 * t),
          outputTokens: t,
          group: i,
        })),
      );
      let settled = false;
      void done.finally(() => (settled = true));
      while (!settled) {
        if (clock.pending() > 0) {
          clock.step();
          timers++;
        }
        await new Promise((r) => setImmediate(r));
      }
      const c = engine.gpuCounters();
      return { timers, busy: c.busySeconds, steps: c.steps, tokens: c.decodeTokens };
    };
    const real = await run(1);
    const fast = await run(0.001);
    expect(fast.steps).toBe(real.steps);
    expect(fast.tokens).toBe(real.tokens);
    expect(fast.busy).toBeCloseTo(real.busy, 9);
    expect(real.timers).toBe(real.steps);
    expect(fast.timers).toBeLessThan(real.timers / 20);
  });
});
