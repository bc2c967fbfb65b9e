import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RstarError } from '@rstar-fleet/protocol';
import type { ArtifactStore, Line } from './artifact-store';
import { validateKey, validatePrefix, validateSegment } from './keys';
import { splitLines } from './line-stream';
import { TempFileWriter, type ObjectWriter } from './object-writer';
import type { ResultLog, ResultLogCodec } from './result-log';
import { s3Error, s3StatusOf } from './s3-errors';
import { S3ResultLog } from './s3-result-log';
import type { ShardLockOptions } from './shard-lock';

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket, so several stores can share one; '' is the bucket root. */
  prefix?: string;
  /** Local directory holding result-log spools (S3 has no append; see s3-result-log.ts). */
  spoolDir: string;
  /** Upload a results checkpoint after this many new records (and on close). Default 8. */
  checkpointEvery?: number;
  /** Lock options for the local spool. */
  lock?: ShardLockOptions;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * The artifact store on an S3-compatible bucket (the cluster option). Keys are the same as on a
 * directory; whole-object puts are atomic by S3 semantics, so `write` needs no temp object.
 */
export class S3Store implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;

  constructor(readonly options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = validatePrefix(options.prefix ?? '', 'prefix');
  }

  /** The object key in the bucket of a store key (validated). */
  objectKey(key: string, field = 'key'): string {
    const valid = validateKey(key, field);
    return this.prefix === '' ? valid : `${this.prefix}/${valid}`;
  }

  async read(key: string): Promise<Buffer> {
    const Key = this.objectKey(key);
    try {
      const out = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key }),
      );
      return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
    } catch (err) {
      throw s3Error('read', key, err);
    }
  }

  /** Reads an object and its ETag; undefined when absent. */
  async readVersioned(key: string): Promise<{ data: Buffer; etag: string } | undefined> {
    const Key = this.objectKey(key);
    try {
      const out = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key }),
      );
      const data = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
      return { data, etag: out.ETag ?? '' };
    } catch (err) {
      if (s3StatusOf(err) === 404) return undefined;
      throw s3Error('read', key, err);
    }
  }

  async write(key: string, data: string | Uint8Array): Promise<void> {
    await this.put(key, data);
  }

  /**
   * Puts an object, optionally only if it is still at `ifMatch` (or, with `null`, absent): the
   * fence of a results checkpoint. Returns the new ETag.
   */
  async put(
    key: string,
    data: string | Uint8Array,
    ifMatch?: string | null,
  ): Promise<string | undefined> {
    const Key = this.objectKey(key);
    const condition = ifMatch === null ? { IfNoneMatch: '*' } : ifMatch ? { IfMatch: ifMatch } : {};
    try {
      const out = await this.options.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key, Body: data, ...condition }),
      );
      return out.ETag;
    } catch (err) {
      throw s3Error('write', key, err);
    }
  }

  /**
   * Lines go to a spool file under `spoolDir`; `commit()` uploads it as one object (a single
   * PUT, atomic by S3 semantics) and removes the spool.
   */
  async openWriter(key: string): Promise<ObjectWriter> {
    const Key = this.objectKey(key);
    const spool = join(
      this.options.spoolDir,
      'writers',
      `.${key.replaceAll('/', '_')}.${process.pid}-${randomBytes(6).toString('hex')}`,
    );
    return TempFileWriter.open(spool, async (tmp) => {
      try {
        const { size } = await stat(tmp);
        await this.options.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key,
            Body: createReadStream(tmp),
            ContentLength: size,
          }),
        );
      } catch (err) {
        throw s3Error('write', key, err);
      } finally {
        await rm(tmp, { force: true });
      }
    });
  }

  async *lines(key: string): AsyncGenerator<Line> {
    const Key = this.objectKey(key);
    let body: unknown;
    try {
      body = (await this.options.client.send(new GetObjectCommand({ Bucket: this.bucket, Key })))
        .Body;
    } catch (err) {
      throw s3Error('read', key, err);
    }
    if (!isAsyncIterable(body)) {
      throw new RstarError('INTERNAL', `read ${key}: object body is not a byte stream`);
    }
    yield* splitLines(body);
  }

  async list(prefix: string): Promise<string[]> {
    const base = validatePrefix(prefix);
    const wanted = base === '' ? this.prefix : this.objectKey(base, 'prefix');
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      let out;
      try {
        out = await this.options.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: wanted === '' ? undefined : wanted,
            ContinuationToken: token,
          }),
        );
      } catch (err) {
        throw s3Error('list', prefix, err);
      }
      for (const object of out.Contents ?? []) {
        const key = object.Key?.slice(strip);
        if (key === undefined || !isListable(key)) continue;
        if (base === '' || key === base || key.startsWith(`${base}/`)) keys.push(key);
      }
      token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async exists(key: string): Promise<boolean> {
    return (await this.etagOf(key)) !== undefined;
  }

  /** The current ETag of an object; undefined when absent. */
  async etagOf(key: string): Promise<string | undefined> {
    const Key = this.objectKey(key);
    try {
      const out = await this.options.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key }),
      );
      return out.ETag ?? '';
    } catch (err) {
      if (s3StatusOf(err) === 404) return undefined;
      throw s3Error('stat', key, err);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.options.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      throw s3Error('delete', key, err);
    }
  }

  openResultLog<T>(key: string, codec: ResultLogCodec<T>): Promise<ResultLog<T>> {
    validateSegment(this.bucket, 'bucket');
    return S3ResultLog.open(this, key, codec);
  }
}

/** Keys another tool put in the bucket that our key rules reject are not ours to list. */
function isListable(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}
