import type { Adapter } from './adapter';
import { gsm8kAdapter } from './gsm8k';
import { mathAdapter } from './math';
import { metamathAdapter } from './metamath';
import { numinaAdapter } from './numina';
import { plainAdapter } from './plain';
import { qaAdapter } from './qa';

export type { Adapter, AdaptedRow } from './adapter';
export type { Row, RowAt } from './fields';

/**
 * Every adapter, in auto-detection order: most specific layout first, so a row with both
 * `answer` and `solution` (AIME) takes its answer key rather than re-extracting a box, and a
 * `question`/`answer` row is GSM8K only when its answer has the `####` mark.
 */
export const ADAPTERS: readonly Adapter[] = [
  metamathAdapter,
  gsm8kAdapter,
  plainAdapter,
  numinaAdapter,
  mathAdapter,
  qaAdapter,
];

export const ADAPTER_NAMES = ADAPTERS.map((a) => a.name);

export function adapterNamed(name: string): Adapter | undefined {
  return ADAPTERS.find((a) => a.name === name);
}

/** The first adapter whose layout the row has. */
export function detectAdapter(row: Record<string, unknown>): Adapter | undefined {
  return ADAPTERS.find((a) => a.fits(row));
}

/** Every column some adapter reads (Parquet files decode only these). */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  ...ADAPTERS.flatMap((a) => a.fields),
  'idx',
  'unique_id',
]);
