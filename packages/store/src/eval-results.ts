import { evalRunKey, parseEvalRunRecordJson, type EvalRunRecord } from '@rstar-fleet/protocol';
import type { ArtifactStore } from './artifact-store';
import { evalShardResults } from './layout';
import { readResultLog } from './read-result-log';
import type { ResultLog, ResultLogCodec } from './result-log';

/**
 * Eval run records keyed by evalRunKey (`<benchmark>/<mode>/<problem id>@<seed>`), validated on
 * the way in and on the way out: the same exactly-once log as a round shard's search records.
 */
export const evalRunRecordCodec: ResultLogCodec<EvalRunRecord> = {
  id: evalRunKey,
  encode: (record) => JSON.stringify(record),
  parse: (text, where) => parseEvalRunRecordJson(text, where),
};

/** An eval shard's results file: one record per (benchmark, mode, problem, seed), exactly once. */
export type EvalResultWriter = ResultLog<EvalRunRecord>;

/** Opens the results writer of one eval shard; a re-run sees (`has`) and skips what is written. */
export function openEvalShardResults(
  store: ArtifactStore,
  run: string,
  round: number,
  evaluation: string,
  shard: number,
): Promise<EvalResultWriter> {
  return store.openResultLog(evalShardResults(run, round, evaluation, shard), evalRunRecordCodec);
}

/** Reads an eval shard's complete run records (a torn last line is skipped). */
export function readEvalShardResults(
  store: ArtifactStore,
  run: string,
  round: number,
  evaluation: string,
  shard: number,
): AsyncGenerator<EvalRunRecord> {
  return readResultLog(store, evalShardResults(run, round, evaluation, shard), evalRunRecordCodec);
}
