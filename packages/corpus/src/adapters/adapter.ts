import type { Row, RowAt } from './fields';

/** What an adapter takes out of one source row; ids, hashing and validation come after. */
export interface AdaptedRow {
  problem: string;
  answer: string;
  /** The row's own id, when it has one. */
  sourceId?: string;
  /** A subset named by the row itself (NuminaMath's `source`: `olympiads`, `cn_k12`...). */
  subset?: string;
  meta?: Record<string, string | number>;
}

/** Maps one source layout to problem records. */
export interface Adapter {
  readonly name: string;
  /** The fields a row must have; a named adapter's mismatch error names the first one missing. */
  readonly required: readonly string[];
  /** The fields it reads, for the docs, errors and Parquet column selection. */
  readonly fields: readonly string[];
  /** Whether a row has this layout (used by auto-detection and to check a named adapter). */
  fits(row: Row): boolean;
  /** Throws CorpusRecordError naming the field when the row cannot be mapped. */
  map(row: Row, at: RowAt): AdaptedRow;
}
