/**
 * A fast, well-spread 32-bit hash of a string: FNV-1a over its UTF-16 code units, then the
 * murmur3 finaliser so that nearby keys (`seed/0.1`, `seed/0.2`) land far apart. Used wherever a
 * seed or a key must be derived deterministically from text without I/O (sampling seeds, the
 * synthetic generator). Not cryptographic.
 */
export function hash32(key: string): number {
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
  return h >>> 0;
}
