import { InvalidInputError } from '@rstar-fleet/protocol';
import {
  LIFECYCLE_DEFAULTS,
  Lifecycle,
  compileLifecycleOptions,
  type LifecycleOptions,
  type LifecyclePhase,
  type ShutdownSteps,
} from './lifecycle';
import { LifecycleStateError } from './lifecycle-state-error';
import { ShutdownStepError } from './shutdown-step-error';

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const never = (): Promise<void> => new Promise<void>(() => {});

/** A running lifecycle whose phases are recorded. */
function started(
  steps: ShutdownSteps,
  options: LifecycleOptions = {},
): { lifecycle: Lifecycle; phases: LifecyclePhase[] } {
  const lifecycle = new Lifecycle('unit', compileLifecycleOptions(options));
  const phases: LifecyclePhase[] = [];
  lifecycle.onChange((s) => phases.push(s.phase));
  lifecycle.running(steps);
  return { lifecycle, phases };
}

describe('compileLifecycleOptions', () => {
  it('applies the documented defaults once and freezes the result', () => {
    const settings = compileLifecycleOptions({ graceMs: 250 });
    expect(settings).toEqual({ ...LIFECYCLE_DEFAULTS, graceMs: 250 });
    expect(LIFECYCLE_DEFAULTS).toEqual({ graceMs: 10_000, settleMs: 10_000, closeMs: 5_000 });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it.each([-1, 1.5, Number.NaN, Infinity])('refuses %p, naming the option', (bad) => {
    expect(() => compileLifecycleOptions({ settleMs: bad })).toThrow(InvalidInputError);
    expect(() => compileLifecycleOptions({ settleMs: bad })).toThrow('field settleMs');
  });
});

describe('Lifecycle', () => {
  it('drains within the grace, then closes each step in order', async () => {
    const order: string[] = [];
    const work = deferred();
    const force = jest.fn();
    const { lifecycle, phases } = started({
      drain: () => {
        order.push('drain');
        return work.promise;
      },
      force,
      close: [
        { name: 'a', run: () => void order.push('close a') },
        { name: 'b', run: () => Promise.resolve(void order.push('close b')) },
      ],
    });
    expect(lifecycle.isStopping()).toBe(false);
    const stopping = lifecycle.shutdown('requested');
    expect(lifecycle.isStopping()).toBe(true);
    expect(lifecycle.state).toEqual({ phase: 'draining', reason: 'requested' });
    // Asked again: the same shutdown.
    expect(lifecycle.shutdown('again')).toBe(stopping);
    work.resolve();
    const result = await stopping;
    expect(result).toMatchObject({ reason: 'requested', drain: 'drained', forcedBy: null });
    expect(result.failures).toEqual([]);
    expect(force).not.toHaveBeenCalled();
    expect(order).toEqual(['drain', 'close a', 'close b']);
    expect(phases).toEqual(['running', 'draining', 'stopping', 'stopped']);
    expect(lifecycle.state).toEqual({ phase: 'stopped', result });
    await expect(lifecycle.stopped).resolves.toBe(result);
  });

  it('forces the work once the grace is over; forced work that settles is `forced`', async () => {
    const work = deferred();
    const force = jest.fn(() => {
      work.resolve();
      return undefined;
    });
    const { lifecycle, phases } = started({ drain: () => work.promise, force }, { graceMs: 50 });
    const result = await lifecycle.shutdown('SIGTERM');
    expect(force).toHaveBeenCalledWith('grace over');
    expect(result).toMatchObject({ drain: 'forced', forcedBy: 'grace over', failures: [] });
    expect(phases).toEqual(['running', 'draining', 'forcing', 'stopping', 'stopped']);
  });

  it('abandons work that does not stop when forced, and still closes everything, within its bounds', async () => {
    const abandon = jest.fn(never);
    const closed: string[] = [];
    const bounds = { graceMs: 50, settleMs: 50, closeMs: 50 };
    const { lifecycle } = started(
      {
        drain: never,
        force: () => undefined,
        abandon,
        close: [
          { name: 'stuck', run: never },
          {
            name: 'broken',
            run: () => {
              throw new Error('connection reset');
            },
          },
          { name: 'last', run: () => void closed.push('last') },
        ],
      },
      bounds,
    );
    const result = await lifecycle.shutdown('requested');
    expect(result.drain).toBe('abandoned');
    expect(abandon).toHaveBeenCalledTimes(1);
    expect(closed).toEqual(['last']);
    // Every step that hung or threw is reported, typed, with its cause; none stopped the others.
    expect(result.failures.map((f) => [f.step, f.code, f.boundMs])).toEqual([
      ['abandon', 'DEADLINE_EXCEEDED', 50],
      ['stuck', 'DEADLINE_EXCEEDED', 50],
      ['broken', 'INTERNAL', null],
    ]);
    expect(result.failures[2]).toBeInstanceOf(ShutdownStepError);
    expect((result.failures[2]?.cause as Error).message).toBe('connection reset');
    // grace + settle + abandon + two close steps, each bounded: nothing waited for ever.
    expect(result.durationMs).toBeLessThan(5 * 50 + 1_000);
  });

  it('forceNow cuts the grace short, with its reason', async () => {
    const work = deferred();
    const { lifecycle } = started(
      { drain: () => work.promise, force: () => void work.resolve() },
      { graceMs: 60_000 },
    );
    const stopping = lifecycle.shutdown('SIGINT');
    lifecycle.forceNow('redis unreachable');
    await expect(stopping).resolves.toMatchObject({
      drain: 'forced',
      forcedBy: 'redis unreachable',
    });
  });

  it('lets a force step shorten what follows', async () => {
    const abandon = jest.fn(() => Promise.resolve());
    const { lifecycle } = started(
      { drain: never, force: () => ({ settleMs: 10, abandonMs: 10 }), abandon },
      { graceMs: 10, settleMs: 60_000, closeMs: 60_000 },
    );
    const result = await lifecycle.shutdown('requested');
    expect(result.drain).toBe('abandoned');
    expect(abandon).toHaveBeenCalledTimes(1);
  });

  it('reports a drain that fails, and still closes', async () => {
    const run = jest.fn();
    const { lifecycle } = started({
      drain: () => Promise.reject(new Error('close failed')),
      close: [{ name: 'x', run }],
    });
    const result = await lifecycle.shutdown('requested');
    expect(result.drain).toBe('drained');
    expect(result.failures.map((f) => f.message)).toEqual([
      'shutdown step drain failed: close failed',
    ]);
    expect(run).toHaveBeenCalled();
  });

  it('refuses transitions its state does not allow', async () => {
    const lifecycle = new Lifecycle('unit', LIFECYCLE_DEFAULTS);
    expect(() => lifecycle.shutdown('early')).toThrow(LifecycleStateError);
    lifecycle.running({ drain: () => Promise.resolve() });
    expect(() => lifecycle.running({ drain: () => Promise.resolve() })).toThrow(
      'unit: cannot start running while running',
    );
    await lifecycle.shutdown('requested');
    await expect(lifecycle.failStart(new Error('late'))).rejects.toThrow(LifecycleStateError);
  });

  it('a failed start closes what was open and keeps the error', async () => {
    const lifecycle = new Lifecycle('unit', compileLifecycleOptions({ closeMs: 50 }));
    const closed: string[] = [];
    const error = new Error('port in use');
    await lifecycle.failStart(error, [
      { name: 'stuck', run: never },
      { name: 'pool', run: () => void closed.push('pool') },
    ]);
    expect(closed).toEqual(['pool']);
    expect(lifecycle.state).toEqual({ phase: 'failed', error });
  });

  it('stops on the first SIGINT/SIGTERM, ignores a repeated SIGTERM, forces on Ctrl-C again, then lets the signals go', async () => {
    const before = process.listenerCount('SIGTERM');
    const work = deferred();
    const force = jest.fn(() => {
      work.resolve();
      return undefined;
    });
    const { lifecycle } = started({ drain: () => work.promise, force }, { graceMs: 60_000 });
    const seen: string[] = [];
    lifecycle.shutdownOnSignals((signal, count) => seen.push(`${signal} ${count}`));
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(lifecycle.state).toEqual({ phase: 'draining', reason: 'SIGTERM' });
    // A supervisor repeating its SIGTERM: the drain goes on.
    process.emit('SIGTERM', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    expect(lifecycle.state.phase).toBe('draining');
    expect(force).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    const result = await lifecycle.stopped;
    expect(result).toMatchObject({ reason: 'SIGTERM', drain: 'forced', forcedBy: 'SIGINT again' });
    expect(seen).toEqual(['SIGTERM 1', 'SIGTERM 2', 'SIGINT 3']);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
