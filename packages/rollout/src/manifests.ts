import {
  InvalidInputError,
  NotFoundError,
  parseRoundManifest,
  phaseOfShard,
  type RoundManifest,
  type RoundPhase,
} from '@rstar-fleet/protocol';
import type { ArtifactStore } from '@rstar-fleet/store';

/**
 * Round manifests by store key. A manifest only changes by gaining escalation phases (the
 * orchestrator rewrites it before enqueuing their shards), so a cached copy is re-read only when
 * it lacks the shard's phase.
 */
export class ManifestCache {
  private readonly cache = new Map<string, Promise<RoundManifest>>();

  constructor(private readonly store: ArtifactStore) {}

  /** The manifest and the phase that `shard` belongs to; NotFoundError when neither exists. */
  async phaseOf(
    key: string,
    shard: number,
  ): Promise<{ manifest: RoundManifest; phase: RoundPhase }> {
    let manifest = await this.get(key, false);
    let phase = phaseOfShard(manifest, shard);
    if (phase === null) {
      manifest = await this.get(key, true);
      phase = phaseOfShard(manifest, shard);
    }
    if (phase === null) {
      throw new NotFoundError(`${key}: no phase of the round holds shard ${shard}`);
    }
    return { manifest, phase };
  }

  private get(key: string, fresh: boolean): Promise<RoundManifest> {
    const cached = this.cache.get(key);
    if (cached !== undefined && !fresh) return cached;
    const loading = this.store
      .read(key)
      .then((bytes) => parseRoundManifest(bytes.toString('utf8'), { source: key }));
    this.cache.set(key, loading);
    // A failed read (store hiccup) must not stick: the next job reads again.
    loading.catch(() => {
      if (this.cache.get(key) === loading) this.cache.delete(key);
    });
    return loading;
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
