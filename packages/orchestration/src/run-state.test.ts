import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemStore } from '@rstar-fleet/store';
import { nextModels } from './manifest';
import { defaultRunId, resolveRunId } from './run-id';
import {
  readRunState,
  runStateKey,
  writeRunState,
  type HookOutcome,
  type RunState,
} from './run-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rstar-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state = (): RunState => ({
  v: 1,
  run: 'r',
  planName: 'p',
  planHash: 'abc',
  status: 'running',
  createdAt: 'now',
  updatedAt: 'now',
  finishedAt: null,
  error: null,
  ingest: null,
  rounds: [],
});

describe('run ids and run state', () => {
  it('derives a deterministic run id from the plan text', () => {
    expect(defaultRunId('local', 'a: 1\n')).toBe(defaultRunId('local', 'a: 1\n'));
    expect(defaultRunId('local', 'a: 1\n')).not.toBe(defaultRunId('local', 'a: 2\n'));
    expect(defaultRunId('local', 'x')).toMatch(/^local-[0-9a-f]{8}$/);
    expect(() => resolveRunId('Bad:Id', 'p', '')).toThrow(/run id/);
  });

  it('round-trips run.json and refuses a newer version', async () => {
    const store = new FileSystemStore(dir);
    expect(await readRunState(store, 'r')).toBeNull();
    await writeRunState(store, state());
    expect(await readRunState(store, 'r')).toMatchObject({ run: 'r', status: 'running' });
    await store.write(runStateKey('r'), JSON.stringify({ ...state(), v: 2 }));
    await expect(readRunState(store, 'r')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('takes the next models from the hooks, the later hook winning, endpoints only when given', () => {
    const hook = (result: Record<string, unknown>): HookOutcome => ({
      kind: 'command',
      status: 'succeeded',
      startedAt: 't',
      finishedAt: 't',
      durationMs: 1,
      target: [],
      exitCode: 0,
      result,
      stderrTail: '',
      error: null,
    });
    const planned = {
      policy: { model: 'p0', endpoints: [{ url: 'http://a:1', name: 'a:1' }] },
      ppm: { model: 'q0', endpoints: [{ url: 'http://b:1', name: 'b:1' }] },
    };
    const next = nextModels(planned, [
      hook({ policy: { model: 'p1' }, ppm: { model: 'q1' } }),
      hook({ policy: { model: 'p2', endpoints: ['http://c:2'] } }),
    ]);
    expect(next).toEqual({
      policy: { model: 'p2', endpoints: [{ url: 'http://c:2', name: 'c:2' }] },
      ppm: { model: 'q1', endpoints: [{ url: 'http://b:1', name: 'b:1' }] },
    });
  });
});
