import { rendezvousOrder } from './hrw';

const nodes = ['a', 'b', 'c', 'd'];
const id = (n: string): string => n;

describe('rendezvousOrder', () => {
  it('is deterministic and a permutation of the nodes', () => {
    const order = rendezvousOrder('tree-1', nodes, id);
    expect(rendezvousOrder('tree-1', nodes, id)).toEqual(order);
    expect([...order].sort()).toEqual(nodes);
  });

  it('spreads keys over the nodes', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i += 1) {
      const first = rendezvousOrder(`problem-${i}`, nodes, id)[0] ?? '';
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    for (const n of nodes) expect(counts.get(n)).toBeGreaterThan(800);
  });

  it('moves only the keys of a removed node, to their second choice', () => {
    for (let i = 0; i < 500; i += 1) {
      const key = `k${i}`;
      const full = rendezvousOrder(key, nodes, id);
      const without = rendezvousOrder(
        key,
        nodes.filter((n) => n !== 'b'),
        id,
      );
      expect(without).toEqual(full.filter((n) => n !== 'b'));
    }
  });
});
