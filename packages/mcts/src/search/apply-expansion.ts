import type { TerminalKind } from '@rstar-fleet/protocol';
import { createNode, type SearchNode } from '../tree/node';
import { propagateExhaustion } from '../tree/exhaustion';
import type { SearchContext } from './context';
import type { ChildDraft, ExpansionDraft } from './expansion-draft';
import { backpropagate, FAILED_TERMINAL_VALUE, setLocalValue } from './q-rules';

/**
 * Puts a resolved expansion into the tree and applies the Q rules, all synchronously:
 * answers back-propagate their reward, failed terminals get −1 locally, and under the `ppm` rule
 * new non-terminal children start at q = PPM, N = 1. An overflow or an empty expansion turns the
 * node itself into an invalid terminal.
 */
export function applyExpansion(ctx: SearchContext, draft: ExpansionDraft): SearchNode[] {
  const { node } = draft;
  if (draft.overflow || draft.children.length === 0) {
    if (draft.overflow) ctx.stats.contextOverflows += 1;
    failNode(ctx, node, 'invalid');
    propagateExhaustion(node.parent);
    return [];
  }
  const children = draft.children.map((d, i) => {
    const child = createNode({
      id: `${node.id}.${i}`,
      parent: node,
      text: d.text,
      kind: d.kind,
      answer: d.answer,
      exec: d.exec,
    });
    child.ppm = d.ppm;
    child.correct = d.correct;
    return child;
  });
  node.children = children;
  ctx.tree.noteAdded(children.length);
  children.forEach((child, i) => {
    const d = draft.children[i] as ChildDraft;
    if (d.terminal === 'answer') {
      child.terminal = 'answer';
      ctx.stats.terminals.answer += 1;
      if (d.correct === true) ctx.stats.correct += 1;
      if (d.correct === false) ctx.stats.wrong += 1;
      backpropagate(child, d.reward ?? FAILED_TERMINAL_VALUE);
    } else if (d.terminal !== null) {
      failNode(ctx, child, d.terminal);
    } else if (ctx.options.qRule === 'ppm' && d.ppm !== null) {
      setLocalValue(child, d.ppm);
    }
  });
  ctx.stats.solved = ctx.stats.correct > 0;
  propagateExhaustion(node);
  return children;
}

function failNode(
  ctx: SearchContext,
  node: SearchNode,
  kind: Exclude<TerminalKind, 'answer'>,
): void {
  node.terminal = kind;
  setLocalValue(node, FAILED_TERMINAL_VALUE);
  ctx.stats.terminals[kind] += 1;
}
