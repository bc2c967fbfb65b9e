import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorePlan } from '@rstar-fleet/config';
import { FileSystemStore, type ArtifactStore } from '@rstar-fleet/store';

export interface OpenStoreOptions {
  /** Local spool of S3 result logs. Default `<tmpdir>/rstar-fleet-spool`. */
  spoolDir?: string;
}

/**
 * The plan's artifact store. S3 credentials come from the AWS SDK's default chain (environment,
 * profile, instance role); the plan never holds them. The SDK is loaded only for S3 plans (it
 * costs every CLI command a second of start-up otherwise).
 */
export async function openStore(
  plan: StorePlan,
  options: OpenStoreOptions = {},
): Promise<ArtifactStore> {
  if (plan.kind === 'dir') return new FileSystemStore(plan.dir);
  const [{ S3Client }, { S3Store }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@rstar-fleet/store/s3'),
  ]);
  const client = new S3Client({
    region: plan.region,
    forcePathStyle: plan.forcePathStyle,
    ...(plan.endpoint === null ? {} : { endpoint: plan.endpoint }),
  });
  return new S3Store({
    client,
    bucket: plan.bucket,
    prefix: plan.prefix,
    spoolDir: options.spoolDir ?? join(tmpdir(), 'rstar-fleet-spool'),
  });
}
