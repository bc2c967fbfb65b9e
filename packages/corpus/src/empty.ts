import { InvalidInputError } from '@rstar-fleet/protocol';
import type { CorpusStats } from './stats';

/**
 * A corpus file that yielded no valid problem: a run on it would search nothing and train on
 * nothing, so ingestion (and `corpus inspect`) stop here, naming the file, what was read and,
 * when the file is a JSON array, that it is one.
 */
export class EmptyCorpusError extends InvalidInputError {
  constructor(readonly stats: CorpusStats) {
    super(describeEmpty(stats), { source: stats.file });
  }
}

/** Said wherever a JSON array given as JSONL is the likely cause of a failure. */
export const JSON_ARRAY_HINT =
  "the file is a JSON array, not JSONL (one JSON object per line): convert it, e.g. `jq -c '.[]' FILE > FILE.jsonl`";

/** The error for a fully read corpus with no accepted record, or null when it has some. */
export function emptyCorpusError(stats: CorpusStats): EmptyCorpusError | null {
  return stats.accepted > 0 ? null : new EmptyCorpusError(stats);
}

function describeEmpty(stats: CorpusStats): string {
  const reasons = Object.entries(stats.rejectedByReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const counts =
    `${stats.read} row(s) read, ${stats.rejected} rejected` +
    (reasons === '' ? '' : ` (${reasons})`) +
    (stats.duplicates > 0 ? `, ${stats.duplicates} duplicate(s)` : '');
  const cause = stats.jsonArray ? `; ${JSON_ARRAY_HINT}` : '';
  return `corpus has no valid problems: ${counts}${cause}`;
}
