import type { ShardProgress } from '@rstar-fleet/protocol';
import { ProgressThrottle } from './progress';

const at = (done: number): ShardProgress => ({
  done,
  total: 10,
  solved: 0,
  written: done,
  skipped: 0,
});
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ProgressThrottle', () => {
  it('sends at most one report per interval, and the forced last one always', async () => {
    let now = 0;
    const sent: number[] = [];
    const throttle = new ProgressThrottle(
      (p) => void sent.push(p.done),
      500,
      () => now,
    );
    throttle.update(at(0), true);
    await settle();
    for (let i = 1; i <= 5; i++) {
      now += 100;
      throttle.update(at(i));
      await settle();
    }
    expect(sent).toEqual([0, 5]);
    now += 10;
    throttle.update(at(6), true);
    await settle();
    expect(sent).toEqual([0, 5, 6]);
  });

  it('keeps one report in flight and sends the latest state after it', async () => {
    let release: () => void = () => undefined;
    const sent: number[] = [];
    const throttle = new ProgressThrottle(
      (p) => {
        sent.push(p.done);
        return new Promise<void>((r) => (release = r));
      },
      0,
      () => 0,
    );
    throttle.update(at(1));
    throttle.update(at(2));
    throttle.update(at(3), true);
    expect(sent).toEqual([1]);
    release();
    await settle();
    expect(sent).toEqual([1, 3]);
  });

  it('survives a failed report (progress is advisory): the next one is still sent', async () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle(
      (p) => {
        sent.push(p.done);
        return p.done === 1 ? Promise.reject(new Error('redis down')) : Promise.resolve();
      },
      0,
      () => 0,
    );
    throttle.update(at(1), true);
    await settle();
    throttle.update(at(2), true);
    await settle();
    expect(sent).toEqual([1, 2]);
  });
});
