import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { StorePlan } from '@rstar-fleet/config';
import { FileSystemStore, type ArtifactStore } from '@rstar-fleet/store';
import { S3Store } from '@rstar-fleet/store/s3';

/**
 * The plan's artifact store. S3 credentials come from the AWS SDK's default chain (environment,
 * profile, instance role), never from the plan. Result-log spools of an S3 store share one
 * directory per host, so the spool's shard lock keeps two workers of a host off one shard.
 * (The same few lines as @rstar-fleet/orchestration's openStore; a worker does not load the
 * orchestrator's package.)
 */
export function openStore(plan: StorePlan): ArtifactStore {
  if (plan.kind === 'dir') return new FileSystemStore(plan.dir);
  const client = new S3Client({
    region: plan.region,
    forcePathStyle: plan.forcePathStyle,
    ...(plan.endpoint === null ? {} : { endpoint: plan.endpoint }),
  });
  return new S3Store({
    client,
    bucket: plan.bucket,
    prefix: plan.prefix,
    spoolDir: join(tmpdir(), 'rstar-fleet-spool'),
  });
}
