import { createNode, type SearchNode } from '../tree/node';
import { selectChild, uctScore } from './select';

function tree(children: Array<Partial<SearchNode>>, parent: Partial<SearchNode> = {}): SearchNode {
  const root = Object.assign(createNode({ id: '0', parent: null, text: '', kind: 'root' }), parent);
  root.children = children.map((c, i) =>
    Object.assign(createNode({ id: `0.${i}`, parent: root, text: `s${i}`, kind: 'code' }), c),
  );
  return root;
}

const zero = { c: 2, unvisited: 'zero' as const };
const infinite = { c: 2, unvisited: 'infinite' as const };

describe('UCT', () => {
  it('is Q + c·sqrt(ln N(parent) / N(s)) with c = 2', () => {
    // q = 1, N = 2, N(parent) = 4: 0.5 + 2·sqrt(ln 4 / 2) = 0.5 + 2·0.832555 = 2.165109
    const root = tree([{ q: 1, n: 2 }], { n: 4 });
    const child = root.children[0] as SearchNode;
    expect(uctScore(child, root, zero)).toBeCloseTo(2.165109, 5);
    expect(uctScore(child, root, infinite)).toBeCloseTo(2.165109, 5);
  });

  it("scores an unvisited child 0 under rStar's rule and +∞ under the standard rule", () => {
    const root = tree([{ q: 0, n: 0 }], { n: 3 });
    const child = root.children[0] as SearchNode;
    expect(uctScore(child, root, zero)).toBe(0);
    expect(uctScore(child, root, infinite)).toBe(Infinity);
  });

  it('drops the exploration term when the parent is unvisited (PPM-initialised children)', () => {
    const root = tree([{ q: 0.4, n: 1 }], { n: 0 });
    expect(uctScore(root.children[0] as SearchNode, root, zero)).toBeCloseTo(0.4, 10);
  });

  it('has no exploration bonus when ln N(parent) = 0', () => {
    // N(parent) = 1: ln 1 = 0, so a child with Q = −1 scores −1 and loses to an unvisited one.
    const root = tree([{ q: -1, n: 1 }, {}], { n: 1 });
    expect(uctScore(root.children[0] as SearchNode, root, zero)).toBe(-1);
    expect(selectChild(root, zero)?.id).toBe('0.1');
  });

  it('under the zero rule prefers a visited child with a positive score to an unvisited one', () => {
    const root = tree([{}, { q: 1, n: 1 }], { n: 1 });
    expect(selectChild(root, zero)?.id).toBe('0.1');
    expect(selectChild(root, infinite)?.id).toBe('0.0');
  });

  it('breaks ties towards the first child', () => {
    const root = tree([{}, {}, {}], { n: 0 });
    expect(selectChild(root, zero)?.id).toBe('0.0');
    expect(selectChild(root, infinite)?.id).toBe('0.0');
  });

  it('never selects terminal or exhausted children', () => {
    const root = tree(
      [
        { q: 1, n: 1, terminal: 'answer' },
        { q: 0.9, n: 1, exhausted: true },
        { q: -1, n: 1 },
      ],
      { n: 3 },
    );
    expect(selectChild(root, zero)?.id).toBe('0.2');
    (root.children[2] as SearchNode).terminal = 'code-error';
    expect(selectChild(root, zero)).toBeNull();
  });

  it('counts virtual loss as visits that lost, steering concurrent rollouts apart', () => {
    // Two equal children (q = 0.5, N = 1) under N(parent) = 2. One rollout in flight through
    // 0.0: its Q becomes (0.5 − 1)/2 = −0.25 and N 2, parent N 3.
    const root = tree(
      [
        { q: 0.5, n: 1 },
        { q: 0.5, n: 1 },
      ],
      { n: 2 },
    );
    (root.children[0] as SearchNode).virtualLoss = 1;
    root.virtualLoss = 1;
    const loaded = uctScore(root.children[0] as SearchNode, root, zero);
    const free = uctScore(root.children[1] as SearchNode, root, zero);
    expect(loaded).toBeCloseTo(-0.25 + 2 * Math.sqrt(Math.log(3) / 2), 10);
    expect(free).toBeCloseTo(0.5 + 2 * Math.sqrt(Math.log(3) / 1), 10);
    expect(selectChild(root, zero)?.id).toBe('0.1');
  });

  it('scores an unvisited child in flight as a loss without bonus, so others go elsewhere', () => {
    // Root N = 0 + 8 rollouts in flight; one of them is in 0.0 (still unvisited).
    const root = tree([{ virtualLoss: 1 }, {}], { n: 0, virtualLoss: 8 });
    const inFlight = root.children[0] as SearchNode;
    // Zero rule: Q = (0 − 1)/1 = −1 and no exploration term (real N = 0), below the sibling's 0.
    expect(uctScore(inFlight, root, zero)).toBe(-1);
    expect(selectChild(root, zero)?.id).toBe('0.1');
    // Standard rule: finite (−1 + 2·sqrt(ln 8 / 1)) against the sibling's +∞.
    expect(uctScore(inFlight, root, infinite)).toBeCloseTo(-1 + 2 * Math.sqrt(Math.log(8)), 10);
    expect(selectChild(root, infinite)?.id).toBe('0.1');
  });
});
