import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidInputError, RstarError } from '@rstar-fleet/protocol';
import { LockLostError, storeIoError } from './errors';
import { fsyncDir } from './fsync';
import { readRawLines } from './line-reader';
import type { AppendOutcome, ResultLog, ResultLogCodec, ResultLogRecovery } from './result-log';
import { ShardLock, type ShardLockOptions } from './shard-lock';

export interface FileResultLogOptions extends ShardLockOptions {
  /** Runs with the lock held, before the file is opened (the S3 store fills its spool here). */
  beforeOpen?: () => Promise<void>;
}

/** The lock file beside a log; hidden (leading '.') so it is never a key. */
export function lockPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.lock`);
}

/**
 * The filesystem result log. The commit point of a record is the `\n` that ends its line:
 *
 * - Each record is one line appended (O_APPEND) after checking the file still ends where this
 *   writer left it, then fdatasync'd before `append` resolves (no batching: a record costs a whole tree search, so a
 *   sync per record is cheap, and "written" then means durable).
 * - Opening scans the file: every `\n`-terminated line must parse (else InvalidInputError with
 *   file:line, since only something outside this protocol can produce one) and ids must be
 *   distinct; bytes after the last `\n` are a torn append and are truncated away.
 * - A failed write is rolled back by truncating to the last good end, so a later append never
 *   lands behind garbage. If even that fails the log refuses further appends.
 * - Appends run one at a time (a promise chain) and the id check runs inside that section, so
 *   two concurrent appends of one id write it once.
 * - One writer per file across processes and hosts: see ShardLock.
 */
export class FileResultLog<T> implements ResultLog<T> {
  private readonly ids: Set<string>;
  private end: number;
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | undefined;
  private closed = false;

  private constructor(
    private readonly path: string,
    private readonly codec: ResultLogCodec<T>,
    private readonly handle: FileHandle,
    private readonly lock: ShardLock,
    scan: { ids: Set<string>; end: number },
    readonly recovery: ResultLogRecovery,
  ) {
    this.ids = scan.ids;
    this.end = scan.end;
  }

  static async open<T>(
    path: string,
    codec: ResultLogCodec<T>,
    options: FileResultLogOptions = {},
  ): Promise<FileResultLog<T>> {
    await mkdir(dirname(path), { recursive: true });
    const lock = await ShardLock.acquire(lockPathFor(path), options);
    let handle: FileHandle | undefined;
    try {
      await options.beforeOpen?.();
      // O_APPEND: even a writer that wrongly believes it holds the lock lands after the other's
      // lines instead of overwriting them (see appendNow's size check).
      handle = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o644);
      await fsyncDir(dirname(path)); // the file's directory entry survives a power loss
      const scan = await scanLog(path, handle, codec);
      if (scan.tornBytes > 0) {
        await handle.truncate(scan.end);
        await handle.datasync();
      }
      const recovery: ResultLogRecovery = {
        records: scan.ids.size,
        tornLines: scan.tornBytes > 0 ? 1 : 0,
        tornBytes: scan.tornBytes,
      };
      return new FileResultLog(path, codec, handle, lock, scan, recovery);
    } catch (err) {
      await handle?.close();
      await lock.release();
      throw err;
    }
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  append(record: T): Promise<AppendOutcome> {
    // Checked at call time: appends queued before `close` still run; later ones are refused.
    if (this.closed) {
      return Promise.reject(new RstarError('FAILED_PRECONDITION', `${this.path}: log is closed`));
    }
    const run = this.queue
      .then(() => this.appendNow(record))
      .catch((err: unknown) => {
        throw err instanceof RstarError ? err : storeIoError('append to', this.path, err);
      });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.handle.close();
    await this.lock.release();
  }

  private async appendNow(record: T): Promise<AppendOutcome> {
    if (this.broken !== undefined) {
      throw new RstarError('UNAVAILABLE', `${this.path}: log is unusable after a failed rollback`, {
        cause: this.broken,
      });
    }
    const id = this.codec.id(record);
    if (this.ids.has(id)) return 'skipped';
    const text = this.codec.encode(record);
    if (text.includes('\n')) {
      throw new InvalidInputError('encoded record contains a newline', { source: this.path });
    }
    // What we write must read back, or a later open would refuse the whole file.
    this.codec.parse(text, { source: this.path, line: this.ids.size + 1 });
    await this.lock.verify();
    const { size } = await this.handle.stat();
    if (size !== this.end) {
      // Someone else wrote to the file: only a writer that lost its lock can get here.
      throw new LockLostError(`${this.path}: file is ${size} bytes, expected ${this.end}`);
    }
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, null);
        done += bytesWritten;
      }
      await this.handle.datasync();
    } catch (err) {
      await this.rollBack(err);
      throw new RstarError('UNAVAILABLE', `${this.path}: append of ${id} failed`, { cause: err });
    }
    this.end += bytes.length;
    this.ids.add(id);
    return 'written';
  }

  private async rollBack(cause: unknown): Promise<void> {
    try {
      await this.handle.truncate(this.end);
      await this.handle.datasync();
    } catch (err) {
      this.broken = new AggregateError([cause, err], 'append and rollback both failed');
    }
  }
}

async function scanLog<T>(
  path: string,
  handle: FileHandle,
  codec: ResultLogCodec<T>,
): Promise<{ ids: Set<string>; end: number; tornBytes: number }> {
  const ids = new Map<string, number>();
  let end = 0;
  let tornBytes = 0;
  for await (const raw of readRawLines(handle)) {
    if (!raw.terminated) {
      tornBytes = raw.bytes.length;
      break;
    }
    const where = { source: path, line: raw.line };
    const id = codec.id(codec.parse(raw.bytes.toString('utf8'), where));
    const first = ids.get(id);
    if (first !== undefined) {
      throw new InvalidInputError(`duplicate id ${id} (first at line ${first})`, where);
    }
    ids.set(id, raw.line);
    end = raw.offset + raw.bytes.length + 1;
  }
  return { ids: new Set(ids.keys()), end, tornBytes };
}
