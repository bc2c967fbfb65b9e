import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CorpusItem } from './items';
import type { ProblemRecord } from './record';
import { readCorpus, type ReadCorpusOptions } from './read-corpus';
import type { CorpusStats } from './stats';

export const FIXTURES = join(__dirname, '__fixtures__');

export interface Collected {
  records: ProblemRecord[];
  /** `line: message` of each reject, in order. */
  rejects: string[];
  duplicates: Array<Extract<CorpusItem, { type: 'duplicate' }>>;
  stats: CorpusStats;
}

/** Reads a whole corpus file (tests only: real callers stream). */
export async function collect(path: string, options: ReadCorpusOptions = {}): Promise<Collected> {
  const stream = readCorpus(path, options);
  const out: Collected = { records: [], rejects: [], duplicates: [], stats: stream.stats };
  for await (const item of stream) {
    if (item.type === 'record') out.records.push(item.record);
    else if (item.type === 'reject') out.rejects.push(item.error.message);
    else out.duplicates.push(item);
  }
  return out;
}

export function tempFile(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rstar-corpus-')), name);
  writeFileSync(path, content);
  return path;
}
