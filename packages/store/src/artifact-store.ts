import type { ObjectWriter } from './object-writer';
import type { ResultLog, ResultLogCodec } from './result-log';

/** One line of a JSONL object, with its 1-based line number for error messages. */
export interface Line {
  text: string;
  line: number;
  /**
   * Whether a `\n` ends the line. A results file whose writer crashed mid-append can end in an
   * unterminated, partial line: readers of results files skip it (the next writer truncates it).
   */
  terminated: boolean;
}

/**
 * Where problem text, trees and datasets live (Redis holds coordination state only). Keys are
 * relative `/`-separated paths (see keys.ts and layout.ts). Whole-object writes are atomic: a
 * reader sees the old object or the new one, never a mix or a prefix.
 */
export interface ArtifactStore {
  /** Reads a whole object; NotFoundError when absent. */
  read(key: string): Promise<Buffer>;
  /** Writes a whole object atomically, replacing any previous one. */
  write(key: string, data: string | Uint8Array): Promise<void>;
  /**
   * Opens a writer that builds a whole object line by line (datasets too large for memory);
   * the object appears atomically on `commit()`.
   */
  openWriter(key: string): Promise<ObjectWriter>;
  /** Streams the lines of a JSONL object (without their `\n`; a final line without one is kept). */
  lines(key: string): AsyncIterable<Line>;
  /** Keys under a prefix (whole segments), sorted; `''` lists the whole store. */
  list(prefix: string): Promise<string[]>;
  exists(key: string): Promise<boolean>;
  /** Deletes an object; absent objects are fine (deletion is idempotent). */
  delete(key: string): Promise<void>;
  /** Opens the append-only, exactly-once-per-id log at `key` (a shard's results file). */
  openResultLog<T>(key: string, codec: ResultLogCodec<T>): Promise<ResultLog<T>>;
}
