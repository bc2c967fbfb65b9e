import type { ArtifactStore } from '@rstar-fleet/store';
import { StaleRunStateError } from './lease-errors';
import { readRunState, runStateKey, writeRunState, type RunState } from './run-state';

/** What must still hold before the holder writes (the run lease; see run-lease.ts). */
export interface RunStateFence {
  /** Throws (RunLeaseLostError, UNAVAILABLE) when this process may no longer write run.json. */
  check(): Promise<void>;
}

/**
 * The orchestrator's copy of run.json: every change goes through `update`, which applies it and
 * writes the whole file atomically, one write at a time (so two changes never interleave).
 * Every write is fenced twice: the run lease is checked (and extended) first, then the revision
 * in the store is compared with the one this holder last read or wrote (writeRunStateFenced).
 */
export class RunStateHolder {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ArtifactStore,
    private state: RunState,
    private readonly fence: RunStateFence,
  ) {}

  get(): RunState {
    return this.state;
  }

  update(change: (state: RunState) => void): Promise<void> {
    const next = this.chain.then(async () => {
      change(this.state);
      await this.fence.check();
      await writeRunStateFenced(this.store, this.state);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/**
 * Writes run.json only if the store still has the revision `state` was read or last written at
 * (a file written before revisions existed counts as revision 0), then advances it by one.
 * Throws StaleRunStateError otherwise, writing nothing.
 *
 * Guarantee: the store API has no conditional write (neither the filesystem store nor S3 as we
 * use it), so this is read-compare-write. It is exact against any writer that is not between
 * its own read and write at the same moment; the run lease (checked and extended just before,
 * with a TTL far longer than one write) is what keeps a second writer out of that window. Both
 * together: a stale holder can only overwrite a newer run.json if it stalls for longer than the
 * lease TTL between the lease check and the store write.
 */
export async function writeRunStateFenced(store: ArtifactStore, state: RunState): Promise<void> {
  const expected = state.revision ?? 0;
  const current = await readRunState(store, state.run);
  const found = current === null ? null : (current.revision ?? 0);
  if (found !== expected && !(found === null && expected === 0)) {
    throw new StaleRunStateError(runStateKey(state.run), expected, found);
  }
  // Advanced only once written: a failed write leaves the holder at the revision in the store.
  const next: RunState = { ...state, revision: expected + 1 };
  await writeRunState(store, next);
  state.revision = next.revision;
  state.updatedAt = next.updatedAt;
}
