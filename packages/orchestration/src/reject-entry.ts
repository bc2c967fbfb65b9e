import type { CorpusItem } from '@rstar-fleet/corpus';
import { formatLocation } from '@rstar-fleet/protocol';

/** One row left out of a corpus or benchmark, as the rejects files store it (one JSON line). */
export interface RejectEntry {
  /** `file:line` (and the field, where one is named). */
  where: string;
  file: string | null;
  line: number | null;
  field: string | null;
  /** A corpus reject reason (`no-answer`, `invalid-json`, …) or `duplicate-<id|problem>`. */
  reason: string;
  message: string;
}

/** The entry of a reject or duplicate item (records are not rejects: null). */
export function rejectEntry(item: CorpusItem): RejectEntry | null {
  if (item.type === 'record') return null;
  if (item.type === 'reject') {
    const { error } = item;
    return {
      where: formatLocation(error.where),
      file: error.where.source ?? null,
      line: error.where.line ?? null,
      field: error.where.field ?? null,
      reason: error.reason,
      message: error.message,
    };
  }
  return {
    where: `${item.file}:${item.line}`,
    file: item.file,
    line: item.line,
    field: null,
    reason: `duplicate-${item.of}`,
    message: `duplicate ${item.of === 'id' ? 'id' : 'problem text'} (${item.id})`,
  };
}
