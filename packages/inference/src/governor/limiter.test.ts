import { InFlightLimiter } from './limiter';

describe('InFlightLimiter', () => {
  it('grants up to the limit and queues the rest in FIFO order', async () => {
    const limiter = new InFlightLimiter(2);
    const order: number[] = [];
    const releases = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const waiting = [3, 4].map((i) =>
      limiter.acquire().then((release) => {
        order.push(i);
        return release;
      }),
    );
    expect(limiter.inFlight).toBe(2);
    expect(limiter.queued).toBe(2);
    releases[0]?.();
    const third = await waiting[0];
    expect(order).toEqual([3]);
    releases[1]?.();
    third?.();
    (await waiting[1])?.();
    expect(order).toEqual([3, 4]);
    expect(limiter.inFlight).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new InFlightLimiter(1);
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.inFlight).toBe(0);
  });

  it('drops an aborted waiter from the queue', async () => {
    const limiter = new InFlightLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiter = limiter.acquire(controller.signal);
    controller.abort(new Error('pruned'));
    await expect(waiter).rejects.toThrow('pruned');
    expect(limiter.queued).toBe(0);
    held();
    expect(limiter.inFlight).toBe(0);
  });

  it('admits waiters when the limit grows and holds them when it shrinks', async () => {
    const limiter = new InFlightLimiter(1);
    await limiter.acquire();
    const next = limiter.acquire();
    limiter.setLimit(2);
    await next;
    expect(limiter.inFlight).toBe(2);
    limiter.setLimit(1);
    let granted = false;
    void limiter.acquire().then(() => {
      granted = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(granted).toBe(false);
  });
});
