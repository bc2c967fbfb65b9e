import type { ProblemRecord } from './record';
import type { CorpusRecordError } from './reject';

/**
 * What a corpus stream yields, one per source row: nothing is dropped silently, so a consumer
 * sees every reject and duplicate with its place.
 */
export type CorpusItem =
  | { type: 'record'; record: ProblemRecord; file: string; line: number }
  | { type: 'reject'; error: CorpusRecordError }
  | { type: 'duplicate'; of: 'problem' | 'id'; id: string; file: string; line: number };
