import {
  InvalidInputError,
  NotFoundError,
  parseEvalManifest,
  parseRoundManifest,
  phaseOfShard,
  type EvalManifest,
  type RoundManifest,
  type RoundPhase,
} from '@rstar-fleet/protocol';
import type { ArtifactStore } from '@rstar-fleet/store';
import { StoreDocumentCache } from './store-document-cache';

/**
 * The manifests a worker reads by store key, parsed once. A round manifest only changes by
 * gaining escalation phases (the orchestrator rewrites it before enqueuing their shards), so a
 * cached copy is re-read only when it lacks the shard's phase. An eval manifest never changes
 * once its shards are enqueued (the orchestrator refuses to redefine an evaluation).
 */
export class ManifestCache {
  private readonly rounds: StoreDocumentCache<RoundManifest>;
  private readonly evals: StoreDocumentCache<EvalManifest>;

  constructor(store: ArtifactStore) {
    this.rounds = new StoreDocumentCache(store, parseRoundManifest);
    this.evals = new StoreDocumentCache(store, parseEvalManifest);
  }

  /** The manifest and the phase that `shard` belongs to; NotFoundError when neither exists. */
  async phaseOf(
    key: string,
    shard: number,
  ): Promise<{ manifest: RoundManifest; phase: RoundPhase }> {
    let manifest = await this.rounds.get(key);
    let phase = phaseOfShard(manifest, shard);
    if (phase === null) {
      manifest = await this.rounds.get(key, true);
      phase = phaseOfShard(manifest, shard);
    }
    if (phase === null) {
      throw new NotFoundError(`${key}: no phase of the round holds shard ${shard}`);
    }
    return { manifest, phase };
  }

  /** An evaluation's manifest (NotFoundError when the store has none at `key`). */
  evaluation(key: string): Promise<EvalManifest> {
    return this.evals.get(key);
  }
}

/** The job's phase must be the manifest's phase of its shard (a stale or forged job is poison). */
export function checkPhase(key: string, shard: number, jobPhase: number, phase: RoundPhase): void {
  if (phase.phase !== jobPhase) {
    throw new InvalidInputError(
      `shard ${shard} belongs to phase ${phase.phase}, the job says phase ${jobPhase}`,
      { source: key, field: 'phase' },
    );
  }
}
