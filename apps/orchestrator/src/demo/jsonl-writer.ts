import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Appends one JSON value per line, honouring back-pressure. Writes from concurrent callers are
 * chained, so lines never interleave and at most one caller waits for `drain` at a time.
 */
export class JsonlWriter {
  private readonly stream: WriteStream;
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
  }

  /** Writes the values as consecutive lines. */
  write(...values: unknown[]): Promise<void> {
    if (values.length === 0) return this.tail;
    const text = values.map((v) => `${JSON.stringify(v)}\n`).join('');
    this.tail = this.tail.then(async () => {
      if (!this.stream.write(text)) await once(this.stream, 'drain');
    });
    return this.tail;
  }

  async close(): Promise<void> {
    await this.tail;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
