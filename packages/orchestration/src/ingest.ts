import type { RunPlan } from '@rstar-fleet/config';
import { emptyCorpusError, readCorpus, type ProblemRecord } from '@rstar-fleet/corpus';
import { RstarError } from '@rstar-fleet/protocol';
import { readShardProblems, shardInput, type ArtifactStore } from '@rstar-fleet/store';

export { readShardProblems };
import { rejectEntry } from './reject-entry';
import { rejectsKey, type IngestSummary } from './run-state';
import type { IngestProgress } from './types';

export interface IngestResult {
  summary: IngestSummary;
}

/** Progress is reported every this many rows (and at the end). */
const PROGRESS_EVERY = 1000;

/**
 * Streams the corpus once into round 1's shard files (`shardSize` problems each, in corpus
 * order) and `runs/<run>/rejects.jsonl` (one line per reject or duplicate: file, line, field,
 * reason, message). Deterministic, so an interrupted ingest is simply run again. A corpus with
 * no valid problem is an EmptyCorpusError (naming the file, and a JSON array given as JSONL).
 */
export async function ingestCorpus(
  store: ArtifactStore,
  plan: RunPlan,
  run: string,
  onProgress: (p: IngestProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<IngestResult> {
  const startedAt = new Date().toISOString();
  const shardSize = plan.rounds[0].shardSize;
  const stream = readCorpus(plan.corpus.path, {
    format: plan.corpus.format,
    adapter: plan.corpus.adapter,
    ...(plan.corpus.dataset === null ? {} : { dataset: plan.corpus.dataset }),
  });
  const rejects: string[] = [];
  const byReason: Record<string, number> = {};
  const progress: IngestProgress = { records: 0, rejects: 0, duplicates: 0, shards: 0 };
  let batch: ProblemRecord[] = [];
  let rows = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await store.write(shardInput(run, 1, progress.shards), toJsonl(batch));
    progress.shards++;
    batch = [];
  };
  for await (const item of stream) {
    // Stopped (shutdown): the next start ingests again from the beginning (deterministic).
    if (signal?.aborted === true) throw new RstarError('CANCELLED', 'ingest stopped');
    rows++;
    if (item.type === 'record') {
      batch.push(item.record);
      progress.records++;
      if (batch.length >= shardSize) await flush();
    } else {
      if (item.type === 'reject') {
        progress.rejects++;
        byReason[item.error.reason] = (byReason[item.error.reason] ?? 0) + 1;
      } else {
        progress.duplicates++;
      }
      rejects.push(JSON.stringify(rejectEntry(item)));
    }
    if (rows % PROGRESS_EVERY === 0) onProgress({ ...progress });
  }
  await flush();
  await store.write(rejectsKey(run), rejects.length === 0 ? '' : `${rejects.join('\n')}\n`);
  onProgress({ ...progress });
  // Nothing to search means nothing to train on: stop here, naming the file and the cause (the
  // rejects written above say which lines failed and why).
  const empty = emptyCorpusError(stream.stats);
  if (empty !== null) throw empty;
  return {
    summary: {
      problems: progress.records,
      shards: progress.shards,
      shardSize,
      rejects: progress.rejects,
      rejectsByReason: byReason,
      duplicates: progress.duplicates,
      startedAt,
      finishedAt: new Date().toISOString(),
    },
  };
}

/**
 * Writes round `round`'s phase-0 shards from round 1's (the same problems, in the same order),
 * `shardSize` problems each, streaming. Returns the shard and problem counts.
 */
export async function reshardRound(
  store: ArtifactStore,
  run: string,
  round1Shards: number,
  round: number,
  shardSize: number,
): Promise<{ shards: number; problems: number }> {
  let lines: string[] = [];
  let shards = 0;
  let problems = 0;
  for (let i = 0; i < round1Shards; i++) {
    for await (const line of store.lines(shardInput(run, 1, i))) {
      if (line.text.trim() === '') continue;
      lines.push(line.text);
      problems++;
      if (lines.length >= shardSize) {
        await store.write(shardInput(run, round, shards++), `${lines.join('\n')}\n`);
        lines = [];
      }
    }
  }
  if (lines.length > 0)
    await store.write(shardInput(run, round, shards++), `${lines.join('\n')}\n`);
  return { shards, problems };
}

export function toJsonl(rows: readonly unknown[]): string {
  return rows.length === 0 ? '' : `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
}
