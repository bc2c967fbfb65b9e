import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from './atomic-write';
import { fsyncDir } from './fsync';

/**
 * A whole object written line by line, so a dataset of millions of rows never has to sit in
 * memory. Nothing is visible under the key until `commit()`; `abort()` (or a crash) leaves the
 * previous object, if any, untouched.
 */
export interface ObjectWriter {
  /** Appends `text` and a `\n`. Buffered; resolves when the buffer was accepted. */
  writeLine(text: string): Promise<void>;
  /** Lines written so far. */
  readonly lines: number;
  /** Makes the object visible under its key, atomically replacing any previous one. */
  commit(): Promise<void>;
  /** Discards what was written. Safe to call after commit (no-op) or twice. */
  abort(): Promise<void>;
}

const FLUSH_BYTES = 1 << 20;

/**
 * Writes into a temp file beside nothing visible, then hands the finished file to `publish`
 * (rename for a directory store, upload for S3). The temp name starts with '.', which no key can.
 */
export class TempFileWriter implements ObjectWriter {
  lines = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private done = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly tempPath: string,
    private readonly publish: (tempPath: string) => Promise<void>,
  ) {}

  static async open(
    tempPath: string,
    publish: (tempPath: string) => Promise<void>,
  ): Promise<TempFileWriter> {
    await mkdir(dirname(tempPath), { recursive: true });
    const handle = await open(tempPath, 'wx', 0o644);
    return new TempFileWriter(handle, tempPath, publish);
  }

  async writeLine(text: string): Promise<void> {
    this.pending.push(text, '\n');
    this.pendingBytes += text.length + 1;
    this.lines++;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(chunk);
  }

  async commit(): Promise<void> {
    if (this.done) return;
    try {
      await this.flush();
      await this.handle.sync();
      await this.handle.close();
      this.done = true;
      await this.publish(this.tempPath);
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.tempPath, { force: true });
  }
}

/** A writer for a file on a local filesystem: temp file beside the target, rename, fsync dir. */
export function openFileWriter(path: string): Promise<TempFileWriter> {
  return TempFileWriter.open(tempPathFor(path), async (tmp) => {
    await rename(tmp, path);
    await fsyncDir(dirname(path));
  });
}
