import { FileSystemStore, type ArtifactStore } from '@rstar-fleet/store';

/**
 * What a hook gets for a store key: an absolute path on a directory store (a shared volume on a
 * cluster), an `s3://bucket/prefix/key` URI on S3 (recognised by shape, so the S3 SDK is not
 * loaded for directory stores).
 */
export function locateKey(store: ArtifactStore, key: string): string {
  if (store instanceof FileSystemStore) return store.pathOf(key);
  const s3 = store as Partial<{ options: { bucket?: unknown }; prefix: unknown }>;
  if (typeof s3.options?.bucket === 'string' && typeof s3.prefix === 'string') {
    return `s3://${s3.options.bucket}/${s3.prefix === '' ? '' : `${s3.prefix}/`}${key}`;
  }
  return key;
}
