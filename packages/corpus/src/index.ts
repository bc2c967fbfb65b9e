/**
 * @rstar-fleet/corpus — corpus files (JSONL, Parquet) streamed as validated problem records with
 * stable ids, duplicate detection and counted, located rejects.
 */
export {
  ADAPTERS,
  ADAPTER_NAMES,
  adapterNamed,
  detectAdapter,
  type Adapter,
  type AdaptedRow,
  type Row,
  type RowAt,
} from './adapters';
export {
  BENCHMARK_FILES,
  BENCHMARK_NAMES,
  SYNTH_HELDOUT,
  type BenchmarkFile,
} from './benchmark-names';
export {
  SYNTH_HELDOUT_START,
  readBenchmark,
  type BenchmarkOptions,
  type BenchmarkStream,
} from './benchmark-registry';
export { DETECT_SAMPLE, chooseAdapter, type SampledRow } from './choose-adapter';
export { EmptyCorpusError, JSON_ARRAY_HINT, emptyCorpusError } from './empty';
export { sniffFormat, startsWithJsonArray, type CorpusFormat } from './format';
export { DigestSet } from './hash-set';
export type { CorpusItem } from './items';
export { readLines, type Line } from './lines';
export {
  CorpusStream,
  DEFAULT_MAX_LINE_BYTES,
  datasetLabel,
  readCorpus,
  type ReadCorpusOptions,
} from './read-corpus';
export { ProblemRecordSchema, type ProblemRecord } from './record';
export { CorpusRecordError, REJECT_REASONS, type RejectReason } from './reject';
export { SAMPLE_LIMIT, emptyStats, tally, type CorpusStats, type Sample } from './stats';
export { normaliseProblemText, problemDigest, sha256Hex } from './text-hash';
// The synthetic problem generator (family, question grammar, canonical solutions).
export * from './synth';
