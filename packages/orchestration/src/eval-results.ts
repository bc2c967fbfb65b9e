import type { EvalManifest, EvalRunRecord } from '@rstar-fleet/protocol';
import { evalShardResults, readEvalShardResults, type ArtifactStore } from '@rstar-fleet/store';
import { evalShards } from './flows';

/**
 * Every eval run record the evaluation's results logs hold, shard by shard (a torn last line of
 * a killed writer is not a record; any other bad line is named by key:line). A shard without a
 * results log yet has none.
 */
export async function readEvalResults(
  store: ArtifactStore,
  manifest: EvalManifest,
): Promise<EvalRunRecord[]> {
  const { run, round, name } = manifest;
  const records: EvalRunRecord[] = [];
  for (const shard of evalShards(manifest)) {
    if (!(await store.exists(evalShardResults(run, round, name, shard)))) continue;
    for await (const record of readEvalShardResults(store, run, round, name, shard)) {
      records.push(record);
    }
  }
  return records;
}
