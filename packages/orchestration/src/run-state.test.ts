import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemStore } from '@rstar-fleet/store';
import { defaultRunId, resolveRunId } from './run-id';
import {
  RUN_STATE_VERSION,
  readRunState,
  runStateKey,
  writeRunState,
  type RunState,
} from './run-state';
import { sampleRunState } from './testing/run-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rstar-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state = (): RunState => sampleRunState('r');

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
    await store.write(runStateKey('r'), JSON.stringify({ ...state(), v: RUN_STATE_VERSION + 1 }));
    await expect(readRunState(store, 'r')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
