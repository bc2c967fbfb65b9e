import type { Compressors, FileMetaData } from 'hyparquet' with { 'resolution-mode': 'import' };
import { isUtf8 } from 'node:buffer';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { firstInvalidUtf8 } from './utf8';

/** One row of a Parquet file with its 1-based row number (reported as the "line"). */
export interface ParquetRowAt {
  line: number;
  row: Record<string, unknown>;
}

/**
 * A string column value whose bytes are not valid UTF-8, in place of the string hyparquet would
 * have decoded with U+FFFD replacements; the row reader turns it into an `invalid-utf8` reject.
 */
export class InvalidUtf8Value {
  constructor(readonly byte: number) {}
}

const utf8 = new TextDecoder();

/** hyparquet's string parser, strict: a bad value becomes an InvalidUtf8Value, not a repair. */
function stringFromBytes(bytes: Uint8Array | undefined): string | InvalidUtf8Value | undefined {
  if (bytes === undefined || bytes === null) return bytes;
  return isUtf8(bytes) ? utf8.decode(bytes) : new InvalidUtf8Value(firstInvalidUtf8(bytes));
}

/**
 * Codecs beyond hyparquet's built-in SNAPPY and none. ZSTD is what pyarrow and the Hugging Face
 * hub write more and more; fzstd (pure JavaScript, no install script) decodes it into a buffer
 * of the page's declared size.
 */
async function compressors(): Promise<Compressors> {
  const { decompress } = await import('fzstd');
  return { ZSTD: (input, outputLength) => decompress(input, new Uint8Array(outputLength)) };
}

/** Top-level columns worth decoding: everything any adapter reads; nested chat logs are not. */
export type ColumnFilter = (names: readonly string[]) => string[];

/**
 * The rows of a Parquet file, one row group at a time: the footer is read first, then each row
 * group is decoded alone, so memory is bounded by the largest row group (a few tens of MiB in
 * files from the Hugging Face hub), never by the file. hyparquet is pure JavaScript and
 * ESM-only, hence the dynamic import (Node loads it from CommonJS that way).
 */
export async function* readParquetRows(
  path: string,
  pickColumns: ColumnFilter,
): AsyncGenerator<ParquetRowAt> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } =
    await import('hyparquet');
  const file = await asyncBufferFromFile(path);
  const codecs = await compressors();
  const metadata: FileMetaData = await unreadable(path, 0, () => parquetMetadataAsync(file));
  const columns = pickColumns(topLevelColumns(metadata));
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await unreadable(path, rowStart + 1, () =>
      parquetReadObjects({
        file,
        metadata,
        columns,
        rowStart,
        rowEnd,
        parsers: { stringFromBytes },
        compressors: codecs,
      }),
    );
    for (let i = 0; i < rows.length; i++) {
      yield { line: rowStart + i + 1, row: rows[i] as Record<string, unknown> };
    }
    rowStart = rowEnd;
  }
}

function topLevelColumns(metadata: FileMetaData): string[] {
  // The schema is flattened depth-first; the root's direct children are the columns.
  const [root, ...rest] = metadata.schema;
  const names: string[] = [];
  let i = 0;
  for (let c = 0; c < (root?.num_children ?? 0) && i < rest.length; c++) {
    const el = rest[i];
    if (el === undefined) break;
    names.push(el.name);
    i = skipSubtree(rest, i);
  }
  return names;
}

function skipSubtree(elements: FileMetaData['schema'], at: number): number {
  let remaining = 1;
  let i = at;
  while (remaining > 0 && i < elements.length) {
    remaining += (elements[i]?.num_children ?? 0) - 1;
    i++;
  }
  return i;
}

/**
 * A corrupt or unsupported file (bad footer, unknown codec) is bad input naming the file and the
 * first row of the group that failed (0: the footer), not an internal error.
 */
async function unreadable<T>(path: string, line: number, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const where = line === 0 ? { source: path } : { source: path, line };
    throw new InvalidInputError(`cannot read Parquet: ${detail}`, where, { cause: err });
  }
}
