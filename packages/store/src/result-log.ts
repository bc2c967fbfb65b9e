import type { InputLocation } from '@rstar-fleet/protocol';

/** How a result log turns records into lines and back, and which id makes a record unique. */
export interface ResultLogCodec<T> {
  /** The exactly-once key: a problem id. */
  id(record: T): string;
  /** One line of text without `\n` (JSON.stringify never emits a raw newline). */
  encode(record: T): string;
  /** Parses and validates one line; throws InvalidInputError naming `where`. */
  parse(text: string, where: InputLocation): T;
}

/** What opening the log found. */
export interface ResultLogRecovery {
  /** Complete records already in the file. */
  records: number;
  /** 1 when a crash mid-append left a partial last line (now truncated away), else 0. */
  tornLines: number;
  tornBytes: number;
}

export type AppendOutcome = 'written' | 'skipped';

/**
 * An append-only log with at most one record per id, across crashes and re-runs: a shard's
 * results file. `append` resolves `written` only once the line is durable, and `skipped` when
 * the id is already in the log (written by this writer or by an earlier, crashed run).
 */
export interface ResultLog<T> {
  readonly recovery: ResultLogRecovery;
  /** Number of distinct ids in the log. */
  readonly size: number;
  has(id: string): boolean;
  append(record: T): Promise<AppendOutcome>;
  /** Waits for queued appends, then releases the file (and its lock). */
  close(): Promise<void>;
}
