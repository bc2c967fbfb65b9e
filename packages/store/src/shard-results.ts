import { parseSearchRecordJson, searchUnitKeyOf, type SearchRecord } from '@rstar-fleet/protocol';
import type { ArtifactStore } from './artifact-store';
import { shardResults } from './layout';
import { readResultLog } from './read-result-log';
import type { ResultLog, ResultLogCodec } from './result-log';

/**
 * Search records keyed by search unit (`<problem id>@<seed>`: one tree of one problem in one
 * phase, see searchUnitKey), validated on the way in and on the way out.
 */
export const searchRecordCodec: ResultLogCodec<SearchRecord> = {
  id: searchUnitKeyOf,
  encode: (record) => JSON.stringify(record),
  parse: (text, where) => parseSearchRecordJson(text, where),
};

/** A shard's results file: one search record per problem, exactly once. */
export type ShardResultWriter = ResultLog<SearchRecord>;

/**
 * Opens the results writer of one shard. A re-run of the shard (crash, retry, requeue) opens
 * the same file, sees which problems are done (`has`), and `append` skips any already written.
 */
export function openShardResults(
  store: ArtifactStore,
  run: string,
  round: number,
  shard: number,
): Promise<ShardResultWriter> {
  return store.openResultLog(shardResults(run, round, shard), searchRecordCodec);
}

/** Reads a shard's complete search records (a torn last line from a crashed writer is skipped). */
export function readShardResults(
  store: ArtifactStore,
  run: string,
  round: number,
  shard: number,
): AsyncGenerator<SearchRecord> {
  return readResultLog(store, shardResults(run, round, shard), searchRecordCodec);
}
