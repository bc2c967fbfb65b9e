import { Writable } from 'node:stream';
import { CrashLoopError, type ChildEvent } from '@rstar-fleet/local-fleet';
import type { RunStatus } from '@rstar-fleet/orchestration';
import type { WorkerHealthRecord } from '@rstar-fleet/protocol';
import { demoProgress } from './demo-progress';

/** A non-terminal stderr that keeps what was written. */
function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const at = new Date('2026-01-02T10:04:05.120Z');

function record(worker: string, sandboxUp: boolean): WorkerHealthRecord {
  return {
    v: 1,
    worker,
    at: at.toISOString(),
    ready: sandboxUp,
    dependencies: [
      {
        dependency: 'sandbox',
        endpoint: '127.0.0.1:50051',
        up: sandboxUp,
        since: at.toISOString(),
        code: sandboxUp ? null : 'grpc UNAVAILABLE',
        error: sandboxUp ? null : 'no connection established',
      },
      {
        dependency: 'policy',
        endpoint: '127.0.0.1:8000',
        up: true,
        since: at.toISOString(),
        code: null,
        error: null,
      },
    ],
  };
}

const health = (
  workers: WorkerHealthRecord[],
  redis: RunStatus['redis'] = { address: 'redis://127.0.0.1:6390', reachable: true, error: null },
): Pick<RunStatus, 'workers' | 'redis'> => ({ workers, redis });

afterEach(() => jest.useRealTimers());

describe('demoProgress: what failure semantics makes visible', () => {
  it('says which service died, why and when, and when it came back', () => {
    const { stream, text } = sink();
    const progress = demoProgress(stream);
    const crashed: ChildEvent = {
      kind: 'crashed',
      child: 'worker-1',
      pid: 42,
      exit: { code: null, signal: 'SIGKILL' },
      at,
      upMs: 12_300,
      lastLines: ['one', 'two', 'three', `four ${'x'.repeat(300)}`],
      startError: null,
      restartInMs: 500,
      crashesInWindow: 1,
      giveUpCrashes: 5,
    };
    progress.child(crashed);
    progress.child({
      kind: 'restarted',
      child: 'worker-1',
      pid: 43,
      at,
      downMs: 1_200,
      restarts: 1,
    });
    const lines = text().split('\n');
    expect(lines[0]).toBe(
      '  ! worker-1 (pid 42) died at 10:04:05.120 (signal SIGKILL) after 12.3 s up; ' +
        'restarting in 500 ms (crash 1, gives up at 5 within the window)',
    );
    // The last three lines only, each cut for the console.
    expect(lines.slice(1, 4).map((l) => l.slice(0, 12))).toEqual([
      '    | two',
      '    | three',
      '    | four x',
    ]);
    expect(lines[3]?.endsWith('…')).toBe(true);
    expect(lines[3]).toHaveLength('    | '.length + 160);
    expect(lines[4]).toBe(
      '  worker-1 (pid 43) back at 10:04:05.120, 1.2 s after it died (restart 1)',
    );

    progress.child({
      kind: 'gave-up',
      child: 'sandbox',
      pid: 44,
      exit: { code: 1, signal: null },
      at,
      lastLines: ['ImportError: seccomp'],
      error: new CrashLoopError('sandbox', 5, 60_000, []),
    });
    expect(text()).toContain(
      '  ! sandbox (pid 44): sandbox crashed 5 times within 60 s; not restarting it any more\n' +
        '    | ImportError: seccomp\n',
    );
  });

  it('says when a dependency the workers need goes down and comes back, once each', () => {
    const { stream, text } = sink();
    const progress = demoProgress(stream);
    progress.health(health([record('worker-1', true), record('worker-2', true)]));
    expect(text()).toBe('');
    progress.health(health([record('worker-1', false), record('worker-2', false)]));
    progress.health(health([record('worker-1', false), record('worker-2', false)]));
    expect(text()).toBe(
      '  ! sandbox 127.0.0.1:50051 unreachable from worker-1, worker-2 since 10:04:05 ' +
        '(grpc UNAVAILABLE: no connection established)\n',
    );
    progress.health(health([record('worker-1', true), record('worker-2', true)]));
    expect(text().split('\n')[1]).toMatch(
      /^ {2}sandbox 127\.0\.0\.1:50051 reachable again \(down \d+ s\)$/,
    );

    progress.health(
      health([], { address: 'redis://127.0.0.1:6390', reachable: false, error: 'ECONNREFUSED' }),
    );
    expect(text().split('\n')[2]).toMatch(
      /^ {2}! redis 127\.0\.0\.1:6390 unreachable since [\d:]+ \(ECONNREFUSED\)$/,
    );
  });

  it('without a terminal, writes the trees done every 10 s with what is down, never a frozen line', () => {
    jest.useFakeTimers({ now: at });
    const { stream, text } = sink();
    const progress = demoProgress(stream);
    progress.phaseStarted?.({
      round: 1,
      phase: 0,
      problems: 10,
      units: 10,
      shards: 2,
      resumed: false,
    });
    progress.shardProgress?.({ round: 1, phase: 0, shard: 0, unitsDone: 2 });
    expect(text()).toBe('  round 1: searching 10 problems (10 trees)\n');
    progress.health(health([record('worker-1', false)]));
    jest.setSystemTime(at.getTime() + 10_000);
    progress.shardProgress?.({ round: 1, phase: 0, shard: 1, unitsDone: 1 });
    expect(text().split('\n').at(-2)).toBe(
      '  round 1: 3/10 trees | sandbox 127.0.0.1:50051 down 10 s',
    );
    // No progress since: nothing more is written.
    jest.setSystemTime(at.getTime() + 30_000);
    progress.shardProgress?.({ round: 1, phase: 0, shard: 1, unitsDone: 1 });
    expect(text().split('\n').at(-2)).toBe(
      '  round 1: 3/10 trees | sandbox 127.0.0.1:50051 down 10 s',
    );
  });
});
