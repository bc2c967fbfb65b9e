import type { InputLocation } from '@rstar-fleet/protocol';
import type { ArtifactStore } from '@rstar-fleet/store';

/**
 * Parsed store documents by key (round and eval manifests: read by every job of a shard's kind,
 * written rarely). A read in progress is shared; a failed one is forgotten, so a store hiccup
 * never sticks and the next job reads again.
 */
export class StoreDocumentCache<T> {
  private readonly cache = new Map<string, Promise<T>>();

  constructor(
    private readonly store: ArtifactStore,
    private readonly parse: (text: string, where: InputLocation) => T,
  ) {}

  /** The cached document, or (`fresh`, or none cached) the store's current one. */
  get(key: string, fresh = false): Promise<T> {
    const cached = this.cache.get(key);
    if (cached !== undefined && !fresh) return cached;
    const loading = this.store
      .read(key)
      .then((bytes) => this.parse(bytes.toString('utf8'), { source: key }));
    this.cache.set(key, loading);
    loading.catch(() => {
      if (this.cache.get(key) === loading) this.cache.delete(key);
    });
    return loading;
  }
}
