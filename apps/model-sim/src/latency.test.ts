import { RstarError } from '@rstar-fleet/protocol';
import { Scheduler, realSleep, type Sleep } from './latency';

/** A sleep the test releases by hand: counts, not timings. */
function manualSleep(): {
  sleep: Sleep;
  release: () => void;
  pending: () => number;
  last: () => number;
} {
  const waiting: { ms: number; resolve: () => void }[] = [];
  let lastMs = -1;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        lastMs = ms;
        waiting.push({ ms, resolve });
      }),
    release: () => waiting.shift()?.resolve(),
    pending: () => waiting.length,
    last: () => lastMs,
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('latency model and queueing', () => {
  it('runs at most maxNumSeqs sequences and queues the rest in FIFO order', async () => {
    const clock = manualSleep();
    const scheduler = new Scheduler({ ttftMs: 20, perTokenMs: 2, maxNumSeqs: 4 }, clock.sleep);
    const order: string[] = [];
    const a = scheduler.run(3, 100, 10).then(() => order.push('a'));
    const b = scheduler.run(2, 100, 10).then(() => order.push('b'));
    const c = scheduler.run(1, 100, 10).then(() => order.push('c'));
    await tick();
    // b does not fit beside a; c would fit but must not overtake b.
    expect(scheduler.snapshot()).toEqual({ running: 3, waiting: 3, kvTokens: 300 });
    expect(clock.last()).toBe(20 + 2 * 10);
    clock.release();
    await a;
    await tick();
    expect(scheduler.snapshot()).toEqual({ running: 3, waiting: 0, kvTokens: 300 });
    clock.release();
    clock.release();
    await Promise.all([b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(scheduler.snapshot()).toEqual({ running: 0, waiting: 0, kvTokens: 0 });
  });

  it('lets a request wider than the batch take the whole batch', async () => {
    const clock = manualSleep();
    const scheduler = new Scheduler({ ttftMs: 0, perTokenMs: 0, maxNumSeqs: 2 }, clock.sleep);
    const wide = scheduler.run(5, 1, 1);
    await tick();
    expect(scheduler.snapshot().running).toBe(2);
    clock.release();
    await wide;
  });

  it('frees each sequence at its own end when given every choice length', async () => {
    const clock = manualSleep();
    const scheduler = new Scheduler({ ttftMs: 10, perTokenMs: 1, maxNumSeqs: 3 }, clock.sleep);
    let wideDone = false;
    const wide = scheduler.run(3, 10, [50, 5, 50]).then(() => (wideDone = true));
    const next = scheduler.run(1, 10, 7);
    await tick();
    expect(scheduler.snapshot()).toEqual({ running: 3, waiting: 1, kvTokens: 30 });
    expect(clock.pending()).toBe(2); // one sleep per distinct length: 15 ms and 60 ms
    clock.release(); // the 5-token choice ends: its slot goes to the queued request
    await tick();
    expect(scheduler.snapshot()).toEqual({ running: 3, waiting: 0, kvTokens: 30 });
    expect(wideDone).toBe(false);
    clock.release(); // the two 50-token choices end
    await wide;
    expect(scheduler.snapshot()).toEqual({ running: 1, waiting: 0, kvTokens: 10 });
    clock.release();
    await next;
    expect(scheduler.snapshot()).toEqual({ running: 0, waiting: 0, kvTokens: 0 });
  });

  it('drops a request whose client left while it queued, letting the next one in', async () => {
    const clock = manualSleep();
    const scheduler = new Scheduler({ ttftMs: 10, perTokenMs: 1, maxNumSeqs: 4 }, clock.sleep);
    const running = scheduler.run(3, 10, 10);
    const gone = new AbortController();
    const orphan = scheduler.run(4, 10, 10, gone.signal);
    const behind = scheduler.run(1, 10, 10);
    await tick();
    // FIFO: the 1-sequence request waits behind the 4-sequence one, which does not fit.
    expect(scheduler.snapshot()).toEqual({ running: 3, waiting: 5, kvTokens: 30 });
    gone.abort('client went away');
    await expect(orphan).rejects.toMatchObject({ code: 'CANCELLED' });
    // Its slots were never taken; the request behind it runs in the free one at once.
    expect(scheduler.snapshot()).toEqual({ running: 4, waiting: 0, kvTokens: 40 });
    clock.release();
    clock.release();
    await Promise.all([running, behind]);
    expect(scheduler.snapshot()).toEqual({ running: 0, waiting: 0, kvTokens: 0 });
  });

  it('holds no slot for a request cancelled before it is admitted, nor sleeps for it', async () => {
    const scheduler = new Scheduler({ ttftMs: 60_000, perTokenMs: 0, maxNumSeqs: 1 });
    const gone = new AbortController();
    gone.abort();
    await expect(scheduler.run(1, 10, 1, gone.signal)).rejects.toBeInstanceOf(RstarError);
    expect(scheduler.snapshot()).toEqual({ running: 0, waiting: 0, kvTokens: 0 });
    // The real sleep of an already-aborted request ends at once (no 'abort' event comes again).
    await expect(realSleep(60_000, gone.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('takes no time with a zero latency model', async () => {
    const scheduler = new Scheduler({ ttftMs: 0, perTokenMs: 0, maxNumSeqs: 1 });
    await Promise.all(Array.from({ length: 50 }, () => scheduler.run(1, 10, 100)));
    expect(scheduler.snapshot()).toEqual({ running: 0, waiting: 0, kvTokens: 0 });
  });
});

describe('utilisation integrals', () => {
  it('integrates running, capacity and queued sequences over (injected) time', async () => {
    const clock = manualSleep();
    let now = 0;
    const scheduler = new Scheduler(
      { ttftMs: 0, perTokenMs: 1, maxNumSeqs: 4 },
      clock.sleep,
      () => now,
    );
    const a = scheduler.run(3, 1, 1);
    const b = scheduler.run(2, 1, 1);
    await tick();
    now = 2000; // 2 s: 3 running, 2 waiting, capacity 4
    clock.release();
    await a;
    await tick();
    now = 3000; // 1 s: 2 running (b admitted), none waiting
    clock.release();
    await b;
    now = 4000; // 1 s idle
    expect(scheduler.integrals()).toEqual({
      busySeqSeconds: 3 * 2 + 2 * 1,
      capacitySeqSeconds: 4 * 4,
      waitingSeqSeconds: 2 * 2,
    });
  });
});
