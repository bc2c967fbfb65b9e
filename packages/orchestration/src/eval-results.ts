import {
  EvalRunRecordSchema,
  InvalidInputError,
  type EvalManifest,
  type EvalRunRecord,
} from '@rstar-fleet/protocol';
import { evalShardResults, type ArtifactStore } from '@rstar-fleet/store';
import { evalShards } from './flows';

/**
 * Every eval run record the evaluation's results logs hold, shard by shard. A torn last line (a
 * writer killed mid-append; the next writer truncates it) is not a record and is skipped; any
 * other malformed line is damage, named by key:line. A shard with no results log yet has none.
 */
export async function readEvalResults(
  store: ArtifactStore,
  manifest: EvalManifest,
): Promise<EvalRunRecord[]> {
  const { run, round, name } = manifest;
  const records: EvalRunRecord[] = [];
  for (const shard of evalShards(manifest)) {
    const key = evalShardResults(run, round, name, shard);
    if (!(await store.exists(key))) continue;
    for await (const line of store.lines(key)) {
      if (!line.terminated) break;
      if (line.text.trim() === '') continue;
      const where = { source: key, line: line.line };
      let json: unknown;
      try {
        json = JSON.parse(line.text);
      } catch (cause) {
        throw new InvalidInputError('eval record is not valid JSON', where, { cause });
      }
      const parsed = EvalRunRecordSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidInputError(`not an eval run record: ${issue?.message ?? 'invalid'}`, {
          ...where,
          ...(issue === undefined ? {} : { field: issue.path.join('.') }),
        });
      }
      records.push(parsed.data);
    }
  }
  return records;
}
