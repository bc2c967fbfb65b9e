import { open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RstarError } from '@rstar-fleet/protocol';
import type { ArtifactStore, Line } from './artifact-store';
import { writeFileAtomic } from './atomic-write';
import { isErrno, storeIoError } from './errors';
import { FileResultLog, type FileResultLogOptions } from './file-result-log';
import { validateKey, validatePrefix } from './keys';
import { readRawLines } from './line-reader';
import { openFileWriter, type ObjectWriter } from './object-writer';
import type { ResultLog, ResultLogCodec } from './result-log';

/**
 * The default artifact store: a directory (a shared volume on a cluster). Keys map to paths under
 * `root` segment by segment; key validation guarantees they stay under it. Names starting with
 * '.' (temp files, locks) are internal and never listed.
 */
export class FileSystemStore implements ArtifactStore {
  readonly root: string;

  constructor(
    root: string,
    private readonly logOptions: FileResultLogOptions = {},
  ) {
    this.root = resolve(root);
  }

  /** The absolute path of a key (validated). */
  pathOf(key: string, field = 'key'): string {
    return join(this.root, ...validateKey(key, field).split('/'));
  }

  async read(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (err) {
      throw storeIoError('read', key, err);
    }
  }

  async write(key: string, data: string | Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    try {
      await writeFileAtomic(path, data);
    } catch (err) {
      throw storeIoError('write', key, err);
    }
  }

  async openWriter(key: string): Promise<ObjectWriter> {
    const path = this.pathOf(key);
    try {
      return await openFileWriter(path);
    } catch (err) {
      throw storeIoError('write', key, err);
    }
  }

  async *lines(key: string): AsyncGenerator<Line> {
    const path = this.pathOf(key);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw storeIoError('read', key, err);
    }
    try {
      for await (const raw of readRawLines(handle)) {
        yield { text: raw.bytes.toString('utf8'), line: raw.line, terminated: raw.terminated };
      }
    } finally {
      await handle.close();
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = validatePrefix(prefix);
    const start = base === '' ? this.root : this.pathOf(base, 'prefix');
    const keys: string[] = [];
    try {
      const info = await stat(start);
      if (info.isFile()) return [base];
      await walk(start, base, keys);
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return [];
      throw storeIoError('list', prefix, err);
    }
    return keys.sort();
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return false;
      throw storeIoError('stat', key, err);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw storeIoError('delete', key, err);
    }
  }

  async openResultLog<T>(key: string, codec: ResultLogCodec<T>): Promise<ResultLog<T>> {
    const path = this.pathOf(key);
    try {
      return await FileResultLog.open(path, codec, this.logOptions);
    } catch (err) {
      throw err instanceof RstarError ? err : storeIoError('open', key, err);
    }
  }
}

async function walk(dir: string, prefix: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const key = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) await walk(join(dir, entry.name), key, out);
    else if (entry.isFile()) out.push(key);
  }
}
