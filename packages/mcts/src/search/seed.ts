/**
 * The sampling seed for expanding one node: a hash of the search seed and the node id, so a
 * search reproduces whatever order its expansions run in, and two trees with different search
 * seeds (rStar round 4) sample differently. FNV-1a over the key, then the murmur3 finaliser to
 * spread nearby keys; the result is a non-negative 31-bit integer every server accepts.
 */
export function deriveSeed(searchSeed: number, nodeId: string): number {
  const key = `${searchSeed}/${nodeId}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 1;
}
