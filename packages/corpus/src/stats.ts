import type { CorpusItem } from './items';
import { REJECT_REASONS, type RejectReason } from './reject';

/** How many places of each kind a summary keeps (the counts are always complete). */
export const SAMPLE_LIMIT = 5;

export interface Sample {
  line: number;
  message: string;
}

/** The totals of one corpus file, complete once the stream has been read to its end. */
export interface CorpusStats {
  file: string;
  format: 'jsonl' | 'parquet' | undefined;
  adapter: string | undefined;
  /** Rows read: non-blank lines of a JSONL file, rows of a Parquet file. */
  read: number;
  blankLines: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<RejectReason, number>;
  /** The first few rejects of each reason, with their line and message. */
  rejectSamples: Partial<Record<RejectReason, Sample[]>>;
  duplicates: number;
  duplicateSamples: Sample[];
  /** Accepted records by `source`. */
  bySource: Record<string, number>;
  /** A JSONL file whose first non-space character is `[`: a JSON array, not JSONL. */
  jsonArray: boolean;
}

export function emptyStats(file: string): CorpusStats {
  const rejectedByReason = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
    RejectReason,
    number
  >;
  return {
    file,
    format: undefined,
    adapter: undefined,
    read: 0,
    blankLines: 0,
    accepted: 0,
    rejected: 0,
    rejectedByReason,
    rejectSamples: {},
    duplicates: 0,
    duplicateSamples: [],
    bySource: {},
    jsonArray: false,
  };
}

/** Counts one item into `stats`. */
export function tally(stats: CorpusStats, item: CorpusItem): void {
  switch (item.type) {
    case 'record':
      stats.accepted++;
      stats.bySource[item.record.source] = (stats.bySource[item.record.source] ?? 0) + 1;
      return;
    case 'reject': {
      stats.rejected++;
      const reason = item.error.reason;
      stats.rejectedByReason[reason]++;
      const samples = (stats.rejectSamples[reason] ??= []);
      if (samples.length < SAMPLE_LIMIT) {
        samples.push({ line: item.error.where.line ?? 0, message: item.error.message });
      }
      return;
    }
    case 'duplicate':
      stats.duplicates++;
      if (stats.duplicateSamples.length < SAMPLE_LIMIT) {
        stats.duplicateSamples.push({
          line: item.line,
          message: `${item.file}:${item.line}: duplicate ${item.of === 'id' ? 'id' : 'problem text'} (id ${item.id})`,
        });
      }
      return;
  }
}
