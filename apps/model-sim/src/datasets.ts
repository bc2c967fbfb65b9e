import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  InvalidInputError,
  NotFoundError,
  parseSearchRecordJson,
  RstarError,
  type SearchRecord,
} from '@rstar-fleet/protocol';
import type { PairExample, SftExample } from './audit';

const sftSchema = z.looseObject({ prompt: z.string(), completion: z.string() });
const pairSchema = z.looseObject({ prompt: z.string(), chosen: z.string(), rejected: z.string() });

/** Reads an SFT (`{prompt, completion}`) JSONL file; a bad line is an error naming file:line. */
export function readSftFile(path: string): Promise<SftExample[]> {
  return readJsonl(path, sftSchema);
}

/** Reads a preference-pair (`{prompt, chosen, rejected}`) JSONL file. */
export function readPairsFile(path: string): Promise<PairExample[]> {
  return readJsonl(path, pairSchema);
}

async function readJsonl<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`${path} does not exist`, { cause: err });
    }
    throw new RstarError('UNAVAILABLE', `cannot read ${path}`, { cause: err });
  }
  const rows: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new InvalidInputError('not valid JSON', { source: path, line: i + 1 }, { cause: err });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError(issue?.message ?? 'invalid row', {
        source: path,
        line: i + 1,
        field: issue?.path.join('.') || undefined,
      });
    }
    rows.push(parsed.data);
  });
  return rows;
}

/**
 * Every search record in a round's results directory (`round-<r>/results/*.jsonl`, one record
 * per line). A last line without its newline is a crashed writer's torn append: skipped, as the
 * store's readers skip it. Any other bad line is an error naming file:line.
 */
export async function readSearchRecords(dir: string): Promise<SearchRecord[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`${dir} does not exist`, { cause: err });
    }
    throw new RstarError('UNAVAILABLE', `cannot list ${dir}`, { cause: err });
  }
  const records: SearchRecord[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const lines = (await readFile(path, 'utf8')).split('\n');
    // The element after the last newline is '' for a complete file, a torn line otherwise.
    lines.slice(0, -1).forEach((line, i) => {
      if (line.trim() !== '')
        records.push(parseSearchRecordJson(line, { source: path, line: i + 1 }));
    });
  }
  return records;
}
