import type { SearchNode } from './node';
import { createNode, stepsTo } from './node';

/** A search tree: the rendered root prompt and the nodes under it. */
export class SearchTree {
  readonly root: SearchNode;
  readonly prompt: string;
  private count = 1;

  constructor(prompt: string, root?: SearchNode) {
    this.prompt = prompt;
    this.root = root ?? createNode({ id: '0', parent: null, text: '', kind: 'root' });
  }

  get size(): number {
    return this.count;
  }

  /** Records that `children` were attached somewhere in the tree (kept for cheap sizes). */
  noteAdded(children: number): void {
    this.count += children;
  }

  /**
   * The text a node's children continue: the root prompt plus every step down to `node`,
   * concatenated exactly as stored so siblings share it byte for byte.
   */
  prefixOf(node: SearchNode): string {
    let out = this.prompt;
    for (const step of stepsTo(node)) out += step.text;
    return out;
  }

  /** Every node, breadth-first (parents before children, siblings in id order). */
  *nodes(): IterableIterator<SearchNode> {
    const queue: SearchNode[] = [this.root];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i] as SearchNode;
      yield node;
      queue.push(...node.children);
    }
  }
}
