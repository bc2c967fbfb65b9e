import { createExtractor, type PairRow, type SftRow } from '@rstar-fleet/mcts';
import type { SearchRecord } from '@rstar-fleet/protocol';
import type { ControlDatasets } from './audit';

/**
 * The control extraction of a round's trees: the extractor with `ranking: random` — the same
 * correct trajectories and pairable children, a seeded random choice among them instead of the
 * top and bottom by Q. Audited beside the real datasets, it shows what the Q-values add.
 */
export function controlDatasets(records: Iterable<SearchRecord>, seed: number): ControlDatasets {
  const extractor = createExtractor({ ranking: 'random', rankingSeed: seed });
  const sft: SftRow[] = [];
  const pairs: PairRow[] = [];
  for (const record of records) {
    const data = extractor.extract(record);
    sft.push(...data.sft);
    pairs.push(...data.pairs);
  }
  return { sft, pairs };
}
