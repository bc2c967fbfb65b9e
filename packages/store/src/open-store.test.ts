import { FileSystemStore } from './fs-store';
import { openStore } from './open-store';
import { S3Store } from './s3-store';

describe('openStore', () => {
  it('opens a directory store, and an S3 store with the SDK loaded on demand', async () => {
    const dir = await openStore({ kind: 'dir', dir: '/tmp/rstar-open-store' });
    expect(dir).toBeInstanceOf(FileSystemStore);
    const s3 = await openStore(
      {
        kind: 's3',
        bucket: 'runs',
        prefix: 'fleet',
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        forcePathStyle: true,
      },
      { spoolDir: '/tmp/rstar-open-store-spool' },
    );
    expect(s3).toBeInstanceOf(S3Store);
    expect((s3 as S3Store).objectKey('runs/r/plan.yaml')).toBe('fleet/runs/r/plan.yaml');
  });
});
