/** A KV-cache block: content-keyed when full (shared, cacheable), private otherwise. */
export interface KvBlock {
  readonly key: string | null;
  refs: number;
}

/**
 * The KV cache of one simulated GPU as vLLM's block pool: a fixed number of blocks; blocks in use
 * are referenced by running sequences (shared prefixes once); a keyed block nobody references
 * stays cached on an LRU free list until a new block is needed. With caching off, an unreferenced
 * block is freed at once.
 */
export class KvBlockPool {
  private readonly byKey = new Map<string, KvBlock>();
  /** Unreferenced cached blocks, least recently used first (Map keeps insertion order). */
  private readonly lru = new Map<string, KvBlock>();
  private inUse = 0;

  constructor(
    private readonly capacity: number,
    private readonly caching: boolean,
  ) {}

  /** Blocks referenced by running sequences. */
  get used(): number {
    return this.inUse;
  }

  /** Cached, unreferenced blocks (evictable). */
  get cached(): number {
    return this.lru.size;
  }

  /** Blocks a sequence could take now: free plus evictable. */
  available(): number {
    return this.capacity - this.inUse;
  }

  /** How many leading keys have a block (in use or cached). */
  matchPrefix(keys: readonly string[], limit: number): number {
    let n = 0;
    while (n < Math.min(limit, keys.length) && this.byKey.has(keys[n]!)) n++;
    return n;
  }

  /** How many of these keys sit on the LRU list (taking them makes them unevictable). */
  cachedAmong(keys: readonly string[]): number {
    return keys.reduce((s, k) => s + (this.lru.has(k) ? 1 : 0), 0);
  }

  /**
   * References the block holding `key`, or takes a new one (keyed or private), evicting the
   * least recently used cached block when no block is free. Null when every block is in use.
   */
  acquire(key: string | null): KvBlock | null {
    const existing = key === null ? undefined : this.byKey.get(key);
    if (existing !== undefined) {
      if (existing.refs === 0) {
        this.lru.delete(key!);
        this.inUse++;
      }
      existing.refs++;
      return existing;
    }
    if (this.inUse + this.lru.size >= this.capacity) {
      const oldest = this.lru.keys().next();
      if (oldest.done === true) return null;
      this.lru.delete(oldest.value);
      this.byKey.delete(oldest.value);
    }
    const block: KvBlock = { key, refs: 1 };
    if (key !== null) this.byKey.set(key, block);
    this.inUse++;
    return block;
  }

  /** Drops one reference; an unreferenced keyed block is cached (most recently used) or freed. */
  release(block: KvBlock): void {
    block.refs--;
    if (block.refs > 0) return;
    this.inUse--;
    if (block.key === null) return;
    if (this.caching) this.lru.set(block.key, block);
    else this.byKey.delete(block.key);
  }
}
