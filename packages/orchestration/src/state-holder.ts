import type { ArtifactStore } from '@rstar-fleet/store';
import { writeRunState, type RunState } from './run-state';

/**
 * The orchestrator's copy of run.json: every change goes through `update`, which applies it and
 * writes the whole file atomically, one write at a time (so two changes never interleave).
 */
export class RunStateHolder {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ArtifactStore,
    private state: RunState,
  ) {}

  get(): RunState {
    return this.state;
  }

  update(change: (state: RunState) => void): Promise<void> {
    const next = this.chain.then(async () => {
      change(this.state);
      await writeRunState(this.store, this.state);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
