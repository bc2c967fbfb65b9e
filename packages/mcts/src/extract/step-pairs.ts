import type { CompiledExtractionOptions } from './options';
import { keepPair, type PairFilterCounts } from './pair-filter';
import type { RecordTree } from './record-tree';
import { rankingOf } from './ranking';
import type { PairRow } from './rows';

/**
 * Step-level PPM pairs (paper §3.2, rStar `extra_rm_file.py`): at every node whose children
 * include one with a correct-answer descendant and one with a wrong-answer descendant (failed
 * code and invalid leaves are not negatives), pair the top-Q "correct" children with the
 * bottom-Q "wrong" children under the shared prefix. A child with both kinds of descendants can
 * sit on both sides; it is never paired with itself. `pos_count`/`neg_count` are the sizes of the
 * two sides taken (rStar's weight 1/(pos·neg) per pair), not the number of pairs kept.
 */
export function stepPairs(
  tree: RecordTree,
  options: CompiledExtractionOptions,
  counts: PairFilterCounts,
): PairRow[] {
  const rows: PairRow[] = [];
  const ranking = rankingOf(tree, options);
  for (const parent of tree.record.nodes) {
    const kids = tree.children(parent.id);
    if (kids.length < 2) continue;
    const good = kids.filter((k) => tree.correctBelow(k.id) > 0);
    const bad = kids.filter((k) => tree.wrongBelow(k.id) > 0);
    if (good.length === 0 || bad.length === 0) continue;
    const chosen = ranking.nodes(good, 'best').slice(0, sideWidth(bad.length, options));
    const rejected = ranking.nodes(bad, 'worst').slice(0, sideWidth(good.length, options));
    let prefix: string | undefined;
    for (const c of chosen) {
      for (const r of rejected) {
        if (c.id === r.id) continue;
        const cq = tree.q(c);
        const rq = tree.q(r);
        if (!keepPair({ q: cq, text: c.text }, { q: rq, text: r.text }, options, counts)) continue;
        prefix ??= tree.prefix(parent.id);
        rows.push({
          prompt: prefix,
          chosen: c.text,
          rejected: r.text,
          problem_id: tree.record.problemId,
          kind: 'step',
          node_id: parent.id,
          chosen_id: c.id,
          rejected_id: r.id,
          chosen_q: cq,
          rejected_q: rq,
          margin: cq - rq,
          pos_count: chosen.length,
          neg_count: rejected.length,
        });
      }
    }
  }
  return rows;
}

/** How many to take on one side, given the size of the other side. */
function sideWidth(otherSide: number, options: CompiledExtractionOptions): number {
  return otherSide === 1 ? options.singleSideWidth : options.pairSideWidth;
}
