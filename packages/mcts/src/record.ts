import {
  parseSearchRecord,
  SEARCH_RECORD_VERSION,
  type InputLocation,
  type SearchRecord,
  type SearchRecordNode,
} from '@rstar-fleet/protocol';
import type { SearchResult } from './search/result';
import { createNode, type SearchNode } from './tree/node';
import { SearchTree } from './tree/tree';

/**
 * The stored form of a search: versioned JSON (schema in @rstar-fleet/protocol) holding every
 * node breadth-first, absent fields omitted to keep shard files small. Virtual loss is not
 * stored (it is 0 whenever a search is finished).
 */
export function toRecord(result: SearchResult): SearchRecord {
  const nodes: SearchRecordNode[] = [];
  for (const node of result.tree.nodes()) nodes.push(nodeRecord(node));
  return {
    v: SEARCH_RECORD_VERSION,
    problemId: result.problem.id,
    question: result.problem.question,
    reference: result.problem.reference,
    prompt: result.tree.prompt,
    search: { ...result.settings },
    stats: { ...result.stats, terminals: { ...result.stats.terminals } },
    nodes,
  };
}

function nodeRecord(node: SearchNode): SearchRecordNode {
  const out: SearchRecordNode = {
    id: node.id,
    parent: node.parent?.id ?? null,
    depth: node.depth,
    text: node.text,
    kind: node.kind,
    q: node.q,
    n: node.n,
  };
  if (node.terminal !== null) out.terminal = node.terminal;
  if (node.exhausted) out.exhausted = true;
  if (node.ppm !== null) out.ppm = node.ppm;
  if (node.answer !== null) out.answer = node.answer;
  if (node.correct !== null) out.correct = node.correct;
  if (node.exec !== null) out.exec = node.exec;
  return out;
}

/**
 * Validates stored JSON (errors name the field, e.g. `nodes.3.q`) and rebuilds the search result,
 * so a stored tree can be inspected, re-recorded or re-extracted. `toRecord(fromRecord(r))`
 * equals the validated `r`.
 */
export function fromRecord(input: unknown, where: InputLocation = {}): SearchResult {
  const record = parseSearchRecord(input, where);
  const [rootRecord, ...rest] = record.nodes;
  const byId = new Map<string, SearchNode>();
  const root = rebuild(rootRecord as SearchRecordNode, null);
  byId.set(root.id, root);
  for (const r of rest) {
    // The schema guarantees every parent is listed earlier.
    const parent = byId.get(r.parent ?? '') as SearchNode;
    const node = rebuild(r, parent);
    parent.children.push(node);
    byId.set(node.id, node);
  }
  const tree = new SearchTree(record.prompt, root);
  tree.noteAdded(rest.length);
  return {
    problem: { id: record.problemId, question: record.question, reference: record.reference },
    settings: record.search,
    stats: record.stats,
    tree,
  };
}

function rebuild(r: SearchRecordNode, parent: SearchNode | null): SearchNode {
  const node = createNode({
    id: r.id,
    parent,
    text: r.text,
    kind: r.kind,
    answer: r.answer ?? null,
    exec: r.exec ?? null,
  });
  node.terminal = r.terminal ?? null;
  node.exhausted = r.exhausted ?? false;
  node.q = r.q;
  node.n = r.n;
  node.ppm = r.ppm ?? null;
  node.correct = r.correct ?? null;
  return node;
}
