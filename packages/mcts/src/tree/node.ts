import type { ExecutionStatus, StepKind, TerminalKind } from '@rstar-fleet/protocol';

/**
 * One node of a search tree. Structural fields are fixed at creation; values and flags change as
 * the search goes on. A node is created only once its expansion has fully resolved (executed,
 * graded, scored), so a concurrent rollout never sees a half-built child.
 */
export interface SearchNode {
  /** Path id: root `"0"`, children `"0.0"`, `"0.1"`, … (index among the kept candidates). */
  readonly id: string;
  readonly parent: SearchNode | null;
  readonly depth: number;
  /** The step as it appears in its children's prompt (stop tag and any output included). */
  readonly text: string;
  readonly kind: StepKind;
  /** Content of the last `\boxed{}` of an answer step. */
  readonly answer: string | null;
  /** Execution status when the node's program did not run cleanly. */
  readonly exec: ExecutionStatus | null;
  children: SearchNode[];
  terminal: TerminalKind | null;
  /** Every child is terminal or exhausted; the node is no longer selectable (its Q is kept). */
  exhausted: boolean;
  /** Value sum q(s). */
  q: number;
  /** Visit count N(s). */
  n: number;
  /** The PPM's score of the node's prefix, when it was scored. */
  ppm: number | null;
  /** Grader verdict of an answer node; null at test time or for non-answers. */
  correct: boolean | null;
  /** Rollouts currently passing through this node (virtual loss); 0 when the search is idle. */
  virtualLoss: number;
}

export interface NodeInit {
  id: string;
  parent: SearchNode | null;
  text: string;
  kind: StepKind;
  answer?: string | null;
  exec?: ExecutionStatus | null;
}

export function createNode(init: NodeInit): SearchNode {
  return {
    id: init.id,
    parent: init.parent,
    depth: init.parent === null ? 0 : init.parent.depth + 1,
    text: init.text,
    kind: init.kind,
    answer: init.answer ?? null,
    exec: init.exec ?? null,
    children: [],
    terminal: null,
    exhausted: false,
    q: 0,
    n: 0,
    ppm: null,
    correct: null,
    virtualLoss: 0,
  };
}

/** Q(s) = q/N; 0 for an unvisited node (rStar's `q_value`). */
export function qValue(node: Pick<SearchNode, 'q' | 'n'>): number {
  return node.n === 0 ? 0 : node.q / node.n;
}

/** Selection may descend into the node: not terminal and not exhausted. */
export function isSelectable(node: SearchNode): boolean {
  return node.terminal === null && !node.exhausted;
}

/** The nodes from the root's first child down to `node` (the root itself carries no step). */
export function stepsTo(node: SearchNode): SearchNode[] {
  const steps: SearchNode[] = [];
  for (let at: SearchNode | null = node; at !== null && at.parent !== null; at = at.parent) {
    steps.push(at);
  }
  return steps.reverse();
}
