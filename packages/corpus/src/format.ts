import { open } from 'node:fs/promises';
import { InvalidInputError, NotFoundError } from '@rstar-fleet/protocol';

export type CorpusFormat = 'jsonl' | 'parquet';

/** Parquet files start (and end) with these four bytes; anything else is read as JSONL. */
const PARQUET_MAGIC = 'PAR1';

/** The format of a file by its content, not its name; a missing file is NOT_FOUND. */
export async function sniffFormat(path: string): Promise<CorpusFormat> {
  const handle = await openFile(path);
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0).catch((err: unknown) => {
      throw new InvalidInputError(
        `cannot read ${path}: ${describe(err)}`,
        { source: path },
        { cause: err },
      );
    });
    return head.subarray(0, bytesRead).toString('latin1') === PARQUET_MAGIC ? 'parquet' : 'jsonl';
  } finally {
    await handle.close();
  }
}

/** How far `startsWithJsonArray` looks for the first non-space character. */
const ARRAY_SNIFF_BYTES = 64 * 1024;

/**
 * Whether a text file's first non-space character (after a UTF-8 BOM) is `[`: a JSON array
 * (`[{...}, {...}]`, one line or pretty-printed) given where JSONL (one object per line) was
 * expected. Every corpus row is an object, so a JSONL corpus never starts with `[`; the cheap
 * look at the head of the file is enough to name the cause when such a file yields no problems.
 */
export async function startsWithJsonArray(path: string): Promise<boolean> {
  const handle = await openFile(path);
  try {
    const head = Buffer.alloc(ARRAY_SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, ARRAY_SNIFF_BYTES, 0).catch((err: unknown) => {
      throw new InvalidInputError(
        `cannot read ${path}: ${describe(err)}`,
        { source: path },
        { cause: err },
      );
    });
    const text = head
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.trimStart().startsWith('[');
  } finally {
    await handle.close();
  }
}

async function openFile(path: string): Promise<Awaited<ReturnType<typeof open>>> {
  try {
    return await open(path, 'r');
  } catch (err) {
    const message = `cannot open ${path}: ${describe(err)}`;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(message, { cause: err });
    }
    throw new InvalidInputError(message, { source: path }, { cause: err });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
