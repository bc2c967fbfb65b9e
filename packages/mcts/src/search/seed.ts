import { hash32 } from '@rstar-fleet/protocol';

/**
 * The sampling seed for expanding one node: a hash of the search seed and the node id, so a
 * search reproduces whatever order its expansions run in, and two trees with different search
 * seeds (rStar round 4) sample differently. FNV-1a over the key, then the murmur3 finaliser to
 * spread nearby keys; the result is a non-negative 31-bit integer every server accepts.
 */
export function deriveSeed(searchSeed: number, nodeId: string): number {
  return hash32(`${searchSeed}/${nodeId}`) >>> 1;
}
