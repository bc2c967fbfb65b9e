import type { Row } from './adapters';
import { KNOWN_FIELDS } from './adapters';
import type { CorpusFormat } from './format';
import { readLines } from './lines';
import { InvalidUtf8Value, readParquetRows } from './parquet-rows';
import { CorpusRecordError } from './reject';

/** A decoded row with its place, a row that could not be decoded, or a blank line. */
export type RawRow =
  | { line: number; row: Row }
  | { line: number; error: CorpusRecordError }
  | { line: number; blank: true };

/** The rows of a corpus file in either format, streamed. */
export function readRows(
  path: string,
  format: CorpusFormat,
  maxLineBytes: number,
): AsyncGenerator<RawRow> {
  return format === 'parquet' ? parquetRows(path) : jsonlRows(path, maxLineBytes);
}

async function* parquetRows(path: string): AsyncGenerator<RawRow> {
  const pick = (names: readonly string[]): string[] => names.filter((n) => KNOWN_FIELDS.has(n));
  for await (const r of readParquetRows(path, pick)) {
    const bad = Object.entries(r.row).find(([, v]) => v instanceof InvalidUtf8Value);
    if (bad === undefined) {
      yield r;
      continue;
    }
    const [field, value] = bad as [string, InvalidUtf8Value];
    const where = { source: path, line: r.line, field };
    const message = `not valid UTF-8 (first bad byte at offset ${value.byte} of the string); skipped, not repaired`;
    yield { line: r.line, error: new CorpusRecordError('invalid-utf8', message, where) };
  }
}

async function* jsonlRows(path: string, maxLineBytes: number): AsyncGenerator<RawRow> {
  for await (const l of readLines(path, maxLineBytes)) {
    const where = { source: path, line: l.line };
    if ('tooLong' in l) {
      const message = `line of ${l.bytes} bytes is over the ${maxLineBytes}-byte limit`;
      yield { line: l.line, error: new CorpusRecordError('line-too-long', message, where) };
      continue;
    }
    if ('invalidUtf8' in l) {
      const message = `not valid UTF-8 (first bad byte at offset ${l.byte} of the line); skipped, not repaired`;
      yield { line: l.line, error: new CorpusRecordError('invalid-utf8', message, where) };
      continue;
    }
    if (l.text.trim() === '') {
      yield { line: l.line, blank: true };
      continue;
    }
    yield parseLine(l.text, l.line, path);
  }
}

function parseLine(text: string, line: number, path: string): RawRow {
  const where = { source: path, line };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return {
      line,
      error: new CorpusRecordError('invalid-json', `not valid JSON (${detail})`, where),
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, error: new CorpusRecordError('not-an-object', 'expected a JSON object', where) };
  }
  return { line, row: value as Row };
}
