import type { Line } from './artifact-store';

/**
 * Splits a byte stream (an S3 object body) into lines, holding one line in memory at a time.
 * The same contract as `readRawLines`: `terminated` tells whether `\n` ended the line.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of chunks) {
    const bytes = Buffer.from(chunk);
    let from = 0;
    for (let nl = bytes.indexOf(0x0a, from); nl !== -1; nl = bytes.indexOf(0x0a, from)) {
      pending.push(bytes.subarray(from, nl));
      line += 1;
      yield { text: Buffer.concat(pending).toString('utf8'), line, terminated: true };
      pending = [];
      from = nl + 1;
    }
    if (from < bytes.length) pending.push(bytes.subarray(from));
  }
  if (pending.length > 0) {
    line += 1;
    yield { text: Buffer.concat(pending).toString('utf8'), line, terminated: false };
  }
}
