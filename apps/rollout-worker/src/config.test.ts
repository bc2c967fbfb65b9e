import { InvalidInputError } from '@rstar-fleet/protocol';
import { WORKER_DEFAULTS, parseWorkerConfig } from './config';

describe('parseWorkerConfig', () => {
  it('applies the documented defaults to commander string flags', () => {
    expect(parseWorkerConfig({ plan: 'plan.yaml', httpPort: '0', graceMs: '500' })).toEqual({
      plan: 'plan.yaml',
      concurrency: WORKER_DEFAULTS.concurrency,
      problemsInFlight: 64,
      treeConcurrency: 1, // rStar runs a tree's rollouts one after another (fidelity issue #13)
      maxInFlight: 512,
      deadlineFloorMs: 5_000,
      httpHost: '127.0.0.1',
      httpPort: 0,
      graceMs: 500,
      lockDurationMs: 120_000,
      healthIntervalMs: 2_000,
      healthTimeoutMs: 1_500,
      healthForgetMs: 300_000,
      logLevel: 'info',
    });
  });

  it('names the offending flag', () => {
    const err: unknown = (() => {
      try {
        return parseWorkerConfig({ plan: 'p.yaml', problemsInFlight: '0' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain('--problems-in-flight');
  });
});
