export { createExtractor } from './extractor';
export type { Extractor } from './extractor';
export { compileExtractionOptions } from './options';
export type { CompiledExtractionOptions, ExtractionOptions } from './options';
export type { PairRow, ProblemDataset, ProblemStatsRow, SftRow } from './rows';
