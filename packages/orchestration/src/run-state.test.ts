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

  it("reads files without the plan's evaluations, and keeps them once written", async () => {
    const store = new FileSystemStore(dir);
    // A run.json from before evaluations existed: no field, read as it is (no version bump).
    await writeRunState(store, state());
    expect((await readRunState(store, 'r'))?.evaluations).toBeUndefined();
    const evaluations: RunState['evaluations'] = [
      {
        round: 0,
        evaluation: 'plan',
        status: 'reported',
        report: 'runs/r/round-0/eval/plan/report.json',
        note: null,
        accuracy: [{ benchmark: 'b', mode: 'system2', value: 0.5, low: 0.25, high: 0.75 }],
      },
      {
        round: 1,
        evaluation: 'plan',
        status: 'skipped',
        report: null,
        note: 'no hook',
        accuracy: [],
      },
    ];
    await writeRunState(store, { ...state(), evaluations });
    expect((await readRunState(store, 'r'))?.evaluations).toEqual(evaluations);
    // A share outside [0, 1] is refused, naming the field.
    await store.write(
      runStateKey('r'),
      JSON.stringify({
        ...state(),
        evaluations: [
          { ...evaluations[0], accuracy: [{ ...evaluations[0]?.accuracy[0], value: 2 }] },
        ],
      }),
    );
    await expect(readRunState(store, 'r')).rejects.toMatchObject({
      where: { field: 'evaluations.0.accuracy.0.value' },
    });
  });
});
