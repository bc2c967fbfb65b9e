import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RstarError } from '@rstar-fleet/protocol';
import { writeFileAtomic } from './atomic-write';
import { LockLostError } from './errors';
import { FileResultLog } from './file-result-log';
import type { AppendOutcome, ResultLog, ResultLogCodec, ResultLogRecovery } from './result-log';
import { s3StatusOf } from './s3-errors';
import type { S3Store } from './s3-store';

/**
 * A results file on S3, which has no append: a local spool plus checkpoints.
 *
 * - Open downloads the object (if any) into a local spool file and opens a FileResultLog on it,
 *   so dedupe, torn-line recovery, serialisation and the local lock are the filesystem ones. The
 *   spool always restarts from the object: records a crashed writer never uploaded are searched
 *   again, never kept twice.
 * - Every `checkpointEvery` new records, and on `flush`/`close`, the whole spool is put back as
 *   one object (atomic in S3), so readers always see complete lines with distinct ids.
 * - Each put is fenced: the object must still carry the ETag of our last put (HEAD check, and
 *   `If-Match` / `If-None-Match: *` on the put, which AWS S3 and recent S3-compatible servers
 *   enforce). A different ETag means another writer took the shard: LockLostError.
 *
 * So `append` resolving `written` means durable on the local disk; durable in the bucket after
 * the next checkpoint. A crash loses at most the records since the last checkpoint.
 */
export class S3ResultLog<T> implements ResultLog<T> {
  private queue: Promise<unknown> = Promise.resolve();
  private unsaved = 0;

  private constructor(
    private readonly store: S3Store,
    private readonly key: string,
    private readonly spool: string,
    private readonly local: FileResultLog<T>,
    private etag: string | null,
  ) {}

  static async open<T>(
    store: S3Store,
    key: string,
    codec: ResultLogCodec<T>,
  ): Promise<S3ResultLog<T>> {
    const spool = join(store.options.spoolDir, store.bucket, ...store.objectKey(key).split('/'));
    let etag: string | null = null;
    const local = await FileResultLog.open(spool, codec, {
      ...store.options.lock,
      beforeOpen: async () => {
        const remote = await store.readVersioned(key);
        etag = remote === undefined ? null : remote.etag;
        await writeFileAtomic(spool, remote?.data ?? '');
      },
    });
    return new S3ResultLog(store, key, spool, local, etag);
  }

  get recovery(): ResultLogRecovery {
    return this.local.recovery;
  }

  get size(): number {
    return this.local.size;
  }

  has(id: string): boolean {
    return this.local.has(id);
  }

  append(record: T): Promise<AppendOutcome> {
    return this.serial(async () => {
      const outcome = await this.local.append(record);
      if (outcome === 'written') this.unsaved += 1;
      if (this.unsaved >= (this.store.options.checkpointEvery ?? 8)) await this.checkpoint();
      return outcome;
    });
  }

  /** Uploads the spool now if it holds records the bucket lacks. */
  flush(): Promise<void> {
    return this.serial(() => this.checkpoint());
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.local.close();
    }
  }

  private serial<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async checkpoint(): Promise<void> {
    if (this.unsaved === 0) return;
    const current = (await this.store.etagOf(this.key)) ?? null;
    if (current !== this.etag) {
      throw new LockLostError(`${this.key}: changed by another writer since our last checkpoint`);
    }
    const data = await readFile(this.spool);
    try {
      this.etag = (await this.store.put(this.key, data, this.etag)) ?? null;
    } catch (err) {
      if (err instanceof RstarError && s3StatusOf(err.cause) === 412) {
        throw new LockLostError(
          `${this.key}: changed by another writer (put precondition failed)`,
          {
            cause: err,
          },
        );
      }
      throw err;
    }
    this.unsaved = 0;
  }
}
