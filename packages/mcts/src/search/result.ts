import type { SearchSettings, SearchStats } from '@rstar-fleet/protocol';
import type { SearchTree } from '../tree/tree';
import type { NormalizedProblem } from './problem';

/** A finished search: the tree plus what produced it. `toRecord` turns it into stored JSON. */
export interface SearchResult {
  readonly problem: NormalizedProblem;
  readonly settings: SearchSettings;
  readonly stats: SearchStats;
  readonly tree: SearchTree;
}
