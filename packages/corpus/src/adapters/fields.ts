import { CorpusRecordError } from '../reject';

/** A decoded source row (a JSON object, or a Parquet row as an object). */
export type Row = Record<string, unknown>;

/** Where a row came from, for error messages: `file:line` (Parquet: the 1-based row number). */
export interface RowAt {
  file: string;
  line: number;
}

export function has(row: Row, field: string): boolean {
  return row[field] !== undefined && row[field] !== null;
}

/** A required non-empty string field; rejects name the field and say what is wrong with it. */
export function requireText(row: Row, field: string, at: RowAt): string {
  const value = row[field];
  const where = { source: at.file, line: at.line, field };
  if (value === undefined || value === null) {
    throw new CorpusRecordError('missing-field', 'is missing', where);
  }
  if (typeof value !== 'string') {
    throw new CorpusRecordError('wrong-type', `must be a string, got ${typeName(value)}`, where);
  }
  if (value.trim() === '') throw new CorpusRecordError('empty-field', 'is empty', where);
  return value;
}

/** An answer field: a string, or a number as answer keys often store them (AMC `27.0`). */
export function requireAnswer(row: Row, field: string, at: RowAt): string {
  const value = row[field];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  return requireText(row, field, at);
}

/** The row's own id (`id`, `unique_id` or `idx`), made safe for use inside record ids. */
export function sourceIdOf(row: Row): string | undefined {
  for (const field of ['id', 'unique_id', 'idx']) {
    const value = row[field];
    if (typeof value === 'string' && value.trim() !== '') return safeId(value.trim());
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') {
      return String(value);
    }
  }
  return undefined;
}

/** Scalar provenance fields copied into `meta` when present. */
export function pickMeta(row: Row, fields: readonly string[]): Record<string, string | number> {
  const meta: Record<string, string | number> = {};
  for (const f of fields) {
    const v = row[f];
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) meta[f] = v;
  }
  return meta;
}

export function rowFields(row: Row): string {
  return Object.keys(row).join(', ') || '(none)';
}

function safeId(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
