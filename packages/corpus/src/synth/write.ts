import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { RstarError } from '@rstar-fleet/protocol';
import { synthRecord } from './record';

// Lines are joined into chunks of this many before each write: one syscall per chunk keeps
// 747k problems well under the time budget.
const CHUNK = 2048;

/** Writes records 0..count-1 of the family for `seed` as JSONL to `path`. */
export async function writeSynthCorpus(path: string, count: number, seed: number): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => {
    out.on('error', (err) =>
      reject(new RstarError('UNAVAILABLE', `cannot write ${path}: ${err.message}`, { cause: err })),
    );
  });
  failed.catch(() => undefined);
  const drained = (): Promise<unknown> => Promise.race([once(out, 'drain'), failed]);
  for (let from = 0; from < count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK);
    let chunk = '';
    for (let i = from; i < to; i++) chunk += `${JSON.stringify(synthRecord(seed, i))}\n`;
    if (!out.write(chunk)) await drained();
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}
