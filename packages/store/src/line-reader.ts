import type { FileHandle } from 'node:fs/promises';

/** One line of a file as bytes: `offset` is where it starts, `terminated` whether `\n` ends it. */
export interface RawLine {
  bytes: Buffer;
  line: number;
  offset: number;
  terminated: boolean;
}

const CHUNK = 1 << 20;

/**
 * Splits a file into lines by reading fixed chunks, so a results file of hundreds of megabytes
 * (large search trees) never has to fit in memory at once; only one line does. Bytes, not
 * strings: offsets must be exact for torn-line truncation, whatever the encoding.
 */
export async function* readRawLines(handle: FileHandle, end?: number): AsyncGenerator<RawLine> {
  const chunk = Buffer.allocUnsafe(CHUNK);
  let pending: Buffer[] = [];
  let pendingStart = 0;
  let position = 0;
  let line = 0;
  for (;;) {
    const want = end === undefined ? CHUNK : Math.min(CHUNK, end - position);
    if (want <= 0) break;
    const { bytesRead } = await handle.read(chunk, 0, want, position);
    if (bytesRead === 0) break;
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl === -1 || nl >= bytesRead) break;
      pending.push(Buffer.from(chunk.subarray(from, nl)));
      line += 1;
      yield { bytes: Buffer.concat(pending), line, offset: pendingStart, terminated: true };
      pending = [];
      pendingStart = position + nl + 1;
      from = nl + 1;
    }
    if (from < bytesRead) pending.push(Buffer.from(chunk.subarray(from, bytesRead)));
    position += bytesRead;
  }
  if (pending.length > 0) {
    line += 1;
    yield { bytes: Buffer.concat(pending), line, offset: pendingStart, terminated: false };
  }
}
