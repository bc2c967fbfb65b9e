import { createHash } from 'node:crypto';

/** 48-bit weight of (key, node): any well-mixed hash works, and sha1 is in node:crypto. */
function weight(key: string, node: string): number {
  return createHash('sha1').update(key).update('\0').update(node).digest().readUIntBE(0, 6);
}

/**
 * Rendezvous (highest-random-weight) hashing: every node gets a pseudo-random weight per key and
 * the key's preference order is by weight. Removing a node only moves the keys it owned, and a
 * key's second choice is stable too, so a tree whose replica is down lands on the same fallback
 * every time (its prefix cache warms there once).
 */
export function rendezvousOrder<T>(key: string, nodes: readonly T[], id: (n: T) => string): T[] {
  return nodes
    .map((node) => ({ node, w: weight(key, id(node)) }))
    .sort((a, b) => b.w - a.w)
    .map((x) => x.node);
}
