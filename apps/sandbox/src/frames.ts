/**
 * Length-prefixed JSON frames on the fork-server pipes: a 4-byte big-endian length, then that
 * many bytes of UTF-8 JSON.
 */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

export class FrameTooLargeError extends Error {}

/** Reassembles frames from arbitrary chunks. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds a chunk; returns the complete frames it finished, parsed. */
  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: unknown[] = [];
    while (this.buffer.length >= 4) {
      const size = this.buffer.readUInt32BE(0);
      if (size > this.maxFrameBytes) {
        throw new FrameTooLargeError(`frame of ${size} bytes exceeds ${this.maxFrameBytes}`);
      }
      if (this.buffer.length < 4 + size) break;
      frames.push(JSON.parse(this.buffer.subarray(4, 4 + size).toString('utf8')));
      this.buffer = this.buffer.subarray(4 + size);
    }
    return frames;
  }
}
