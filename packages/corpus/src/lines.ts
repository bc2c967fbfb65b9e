import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { firstInvalidUtf8 } from './utf8';

/**
 * One line of a text file: its text, the fact that it was longer than the cap, or the fact that
 * it is not valid UTF-8 (with the 0-based offset of the first bad byte within the line).
 */
export type Line =
  | { line: number; text: string }
  | { line: number; tooLong: true; bytes: number }
  | { line: number; invalidUtf8: true; byte: number };

const NEWLINE = 0x0a;

/**
 * The lines of a file, streamed: 1-based numbers, CRLF and LF both ending a line, a last line
 * without a newline kept, a leading UTF-8 BOM dropped. Unlike `readline`, a line over
 * `maxLineBytes` is never held whole: its bytes are discarded as they arrive and it comes out as
 * `tooLong`, so one corrupt multi-gigabyte "line" cannot exhaust memory. Splitting on the byte
 * 0x0A is safe in UTF-8 (it never occurs inside a multi-byte character). A line that is not
 * valid UTF-8 comes out as `invalidUtf8`, never decoded with U+FFFD replacements: a silently
 * changed problem text would be searched and graded as if it were the source's.
 */
export async function* readLines(path: string, maxLineBytes: number): AsyncGenerator<Line> {
  let pieces: Buffer[] = [];
  let pending = 0;
  let dropped = 0;
  let lineNo = 0;
  const finish = (): Line => {
    lineNo++;
    if (dropped > 0) {
      const out: Line = { line: lineNo, tooLong: true, bytes: dropped + pending };
      pieces = [];
      pending = 0;
      dropped = 0;
      return out;
    }
    const bytes = Buffer.concat(pieces, pending);
    pieces = [];
    pending = 0;
    if (!isUtf8(bytes)) return { line: lineNo, invalidUtf8: true, byte: firstInvalidUtf8(bytes) };
    return { line: lineNo, text: decodeLine(bytes, lineNo === 1) };
  };
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, nl));
      yield finish();
      start = nl + 1;
    }
    take(chunk.subarray(start));
  }
  if (pending > 0 || dropped > 0) yield finish();

  function take(part: Buffer): void {
    if (part.length === 0) return;
    if (dropped > 0 || pending + part.length > maxLineBytes) {
      dropped += pending + part.length;
      pieces = [];
      pending = 0;
      return;
    }
    pieces.push(part);
    pending += part.length;
  }
}

function decodeLine(bytes: Buffer, first: boolean): string {
  let text = bytes.toString('utf8');
  if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
