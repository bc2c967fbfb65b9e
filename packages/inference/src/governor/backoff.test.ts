import { backoffDelayMs, parseRetryAfterMs } from './backoff';

const settings = { baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelayMs (full jitter)', () => {
  it('draws uniformly below a cap that doubles per retry', () => {
    expect(backoffDelayMs(0, settings, () => 0.5)).toBe(50);
    expect(backoffDelayMs(1, settings, () => 0.5)).toBe(100);
    expect(backoffDelayMs(2, settings, () => 0.5)).toBe(200);
    expect(backoffDelayMs(3, settings, () => 0)).toBe(0);
  });

  it('never exceeds maxDelayMs', () => {
    for (let retry = 0; retry < 20; retry += 1) {
      expect(backoffDelayMs(retry, settings, () => 0.999999)).toBeLessThan(1000);
    }
  });

  it("treats a server's Retry-After as a floor, capped by maxDelayMs", () => {
    expect(backoffDelayMs(0, settings, () => 0, 300)).toBe(300);
    expect(backoffDelayMs(0, settings, () => 0, 60_000)).toBe(1000);
    expect(backoffDelayMs(3, settings, () => 0.9, 10)).toBe(720);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('2', 0)).toBe(2000);
    expect(parseRetryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined();
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined();
  });
});
