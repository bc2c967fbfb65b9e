import { InvalidInputError } from '@rstar-fleet/protocol';
import { ADAPTERS, ADAPTER_NAMES, type Adapter, adapterNamed, detectAdapter } from './adapters';
import { type Row, rowFields } from './adapters/fields';

/** Rows looked at before the adapter of a file is chosen (held in memory meanwhile). */
export const DETECT_SAMPLE = 64;

export interface SampledRow {
  line: number;
  row: Row;
}

/**
 * The adapter of a whole file, from its first rows. With `auto`: the most specific adapter (the
 * detection order) that fits at least half of them, else the one fitting most, so one odd first
 * row cannot mislabel a file (a GSM8K row without `####` also fits the general `qa`). A named
 * adapter must fit at least one of them. Rows it does not fit are then rejected one by one
 * with the field at fault; a file nothing fits fails whole, at its first row.
 */
export function chooseAdapter(sample: readonly SampledRow[], name: string, file: string): Adapter {
  const first = sample[0];
  if (first === undefined) throw new RangeError('chooseAdapter needs at least one row');
  const where = { source: file, line: first.line };
  const fitting = (a: Adapter): number => sample.filter((s) => a.fits(s.row)).length;
  if (name === 'auto') {
    const counts = ADAPTERS.map((a) => ({ a, count: fitting(a) }));
    const specific = counts.find(({ count }) => count * 2 >= sample.length);
    const most = counts.reduce((m, c) => (c.count > m.count ? c : m));
    const best = specific ?? most;
    if (best.count > 0) return best.a;
    throw new InvalidInputError(
      `no adapter recognises a row with fields ${rowFields(first.row)}; ` +
        `name one of ${ADAPTER_NAMES.join(', ')}, or convert to {id?, problem, answer}`,
      where,
    );
  }
  const named = adapterNamed(name);
  if (named === undefined) {
    throw new InvalidInputError(`unknown adapter "${name}"`, { field: 'adapter' });
  }
  if (fitting(named) > 0) return named;
  const row = first.row;
  const field = named.required.find((f) => row[f] === undefined) ?? named.required.at(-1);
  const detected = detectAdapter(row);
  const hint = detected === undefined ? '' : ` (it looks like "${detected.name}")`;
  throw new InvalidInputError(
    `adapter "${named.name}" expects ${named.required.join(', ')}; ` +
      `this row has ${rowFields(row)}${hint}`,
    { ...where, field },
  );
}
