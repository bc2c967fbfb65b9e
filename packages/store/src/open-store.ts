import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactStore } from './artifact-store';
import { FileSystemStore } from './fs-store';

/** Where a store lives: the shape of a run plan's `store` (`@rstar-fleet/config` StorePlan). */
export type StoreLocation =
  | { readonly kind: 'dir'; readonly dir: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly prefix: string;
      readonly endpoint: string | null;
      readonly region: string;
      readonly forcePathStyle: boolean;
    };

export interface OpenStoreOptions {
  /** Local spool of S3 result logs and dataset writers. Default `<tmpdir>/rstar-fleet-spool`. */
  spoolDir?: string;
}

/**
 * Opens the store a plan names. S3 credentials come from the AWS SDK's default chain
 * (environment, profile, instance role), never from the plan. The SDK is loaded only for S3
 * stores (it costs every CLI command a second of start-up otherwise). Result-log spools of an
 * S3 store share one directory per host, so the spool's shard lock keeps two workers of a host
 * off one shard.
 */
export async function openStore(
  location: StoreLocation,
  options: OpenStoreOptions = {},
): Promise<ArtifactStore> {
  if (location.kind === 'dir') return new FileSystemStore(location.dir);
  const [{ S3Client }, { S3Store }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@rstar-fleet/store/s3'),
  ]);
  const client = new S3Client({
    region: location.region,
    forcePathStyle: location.forcePathStyle,
    ...(location.endpoint === null ? {} : { endpoint: location.endpoint }),
  });
  return new S3Store({
    client,
    bucket: location.bucket,
    prefix: location.prefix,
    spoolDir: options.spoolDir ?? join(tmpdir(), 'rstar-fleet-spool'),
  });
}
