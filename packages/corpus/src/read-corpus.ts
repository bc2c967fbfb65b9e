import { basename } from 'node:path';
import { InvalidInputError, RstarError, formatLocation } from '@rstar-fleet/protocol';
import { ADAPTER_NAMES, type Adapter, adapterNamed } from './adapters';
import { DETECT_SAMPLE, type SampledRow, chooseAdapter } from './choose-adapter';
import { type CorpusFormat, sniffFormat, startsWithJsonArray } from './format';
import { JSON_ARRAY_HINT } from './empty';
import { DigestSet } from './hash-set';
import type { CorpusItem } from './items';
import { toRecord } from './to-record';
import { type RawRow, readRows } from './rows';
import { type CorpusStats, emptyStats, tally } from './stats';

export interface ReadCorpusOptions {
  /** `auto` (default) looks at the first bytes: Parquet's magic, else JSONL. */
  format?: 'auto' | CorpusFormat;
  /** `auto` (default) picks the adapter from the first rows' fields; a name forces one. */
  adapter?: string;
  /** The label in ids and `source`; default the file name without its extension. */
  dataset?: string;
  /** Longer JSONL lines are rejected without being held in memory. Default 1 MiB. */
  maxLineBytes?: number;
  /** Skip (and report) repeated problem texts and ids. Default true. */
  dedupe?: boolean;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/**
 * A corpus file as a stream of items: every row comes out as a record, a reject (with file:line
 * and field) or a duplicate. `stats` fills in as the stream is read and is complete at its end.
 * The adapter is chosen from the first rows (see chooseAdapter); a file no adapter fits (or not
 * the one named) fails as a whole, at its first row, instead of rejecting every row.
 */
export class CorpusStream implements AsyncIterable<CorpusItem> {
  readonly stats: CorpusStats;
  private readonly adapterName: string;
  private started = false;

  constructor(
    readonly path: string,
    private readonly options: ReadCorpusOptions = {},
  ) {
    this.stats = emptyStats(path);
    this.adapterName = options.adapter ?? 'auto';
    if (this.adapterName !== 'auto' && adapterNamed(this.adapterName) === undefined) {
      throw new InvalidInputError(
        `unknown adapter "${this.adapterName}"; known: auto, ${ADAPTER_NAMES.join(', ')}`,
        { field: 'adapter' },
      );
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CorpusItem> {
    // A second pass would count every row twice into `stats`: open a new stream instead.
    if (this.started) {
      throw new RstarError('FAILED_PRECONDITION', `corpus stream of ${this.path} already read`);
    }
    this.started = true;
    const format =
      this.options.format === undefined || this.options.format === 'auto'
        ? await sniffFormat(this.path)
        : this.options.format;
    this.stats.format = format;
    if (format === 'jsonl') this.stats.jsonArray = await startsWithJsonArray(this.path);
    const rows = readRows(this.path, format, this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    const classify = this.classifier();
    // Rows are held (at most DETECT_SAMPLE objects) until the adapter is chosen, then flow.
    const held: ReadRow[] = [];
    const sample: SampledRow[] = [];
    let adapter: Adapter | undefined;
    for await (const raw of rows) {
      if ('blank' in raw) {
        this.stats.blankLines++;
        continue;
      }
      this.stats.read++;
      if (adapter === undefined) {
        held.push(raw);
        if ('row' in raw) sample.push(raw);
        if (sample.length < DETECT_SAMPLE) continue;
        adapter = this.choose(sample);
        for (const h of held.splice(0)) yield this.emit(classify(h, adapter));
        continue;
      }
      yield this.emit(classify(raw, adapter));
    }
    // A file shorter than the sample: choose now (only when it has any object row).
    if (adapter === undefined && sample.length > 0) adapter = this.choose(sample);
    for (const h of held) yield this.emit(classify(h, adapter));
  }

  private choose(sample: readonly SampledRow[]): Adapter {
    let adapter: Adapter;
    try {
      adapter = chooseAdapter(sample, this.adapterName, this.path);
    } catch (err) {
      // Lines of a pretty-printed array can parse as objects no adapter knows: name the cause.
      if (!this.stats.jsonArray || !(err instanceof InvalidInputError)) throw err;
      const place = `${formatLocation(err.where)}: `;
      const message = err.message.startsWith(place) ? err.message.slice(place.length) : err.message;
      throw new InvalidInputError(`${message}; ${JSON_ARRAY_HINT}`, err.where, { cause: err });
    }
    this.stats.adapter = adapter.name;
    return adapter;
  }

  private emit(item: CorpusItem): CorpusItem {
    tally(this.stats, item);
    return item;
  }

  /** Row → item, synchronously (one async layer less per row); holds the dedup state. */
  private classifier(): (raw: ReadRow, adapter: Adapter | undefined) => CorpusItem {
    const dataset = this.options.dataset ?? datasetLabel(this.path);
    const dedupe = this.options.dedupe ?? true;
    const texts = new DigestSet();
    const ids = new DigestSet();
    return (raw, adapter) => {
      if ('error' in raw) return { type: 'reject', error: raw.error };
      // Unreachable: an object row always gets an adapter chosen before it is classified.
      if (adapter === undefined) throw new RstarError('INTERNAL', 'row classified before adapter');
      const at = { file: this.path, line: raw.line };
      const result = toRecord(adapter, raw.row, at, dataset);
      if ('error' in result) return { type: 'reject', error: result.error };
      const { record, textDigest, idDigest } = result;
      const of = !dedupe
        ? undefined
        : !texts.add(textDigest)
          ? 'problem'
          : !ids.add(idDigest)
            ? 'id'
            : undefined;
      return of === undefined
        ? { type: 'record', record, file: this.path, line: raw.line }
        : { type: 'duplicate', of, id: record.id, file: this.path, line: raw.line };
    };
  }
}

/** A non-blank row: decoded, or rejected while decoding. */
type ReadRow = Exclude<RawRow, { blank: true }>;

/** Streams a corpus file (JSONL or Parquet) as records, rejects and duplicates. */
export function readCorpus(path: string, options: ReadCorpusOptions = {}): CorpusStream {
  return new CorpusStream(path, options);
}

/** `gsm8k-test.jsonl` → `gsm8k-test`: a label safe inside ids. */
export function datasetLabel(path: string): string {
  const stem = basename(path).replace(/\.(jsonl|ndjson|json|parquet)$/i, '');
  return stem.replace(/[^A-Za-z0-9._-]+/g, '_') || 'corpus';
}
