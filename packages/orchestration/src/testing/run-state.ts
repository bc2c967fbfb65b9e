import { RUN_STATE_VERSION, type RunState } from '../run-state';

/** A run.json of a running run with no ingest and no rounds yet, for unit tests. */
export function sampleRunState(run: string, over: Partial<RunState> = {}): RunState {
  return {
    v: RUN_STATE_VERSION,
    run,
    planName: 'p',
    planHash: 'abc',
    status: 'running',
    createdAt: 'then',
    updatedAt: 'then',
    finishedAt: null,
    error: null,
    ingest: null,
    rounds: [],
    ...over,
  };
}
