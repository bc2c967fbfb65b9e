import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { RedisPasswordUnsetError } from '@rstar-fleet/config';
import { workerCommand } from './command';

describe('rstar-fleet worker: the Redis password', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rstar-worker-command-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops before connecting when the variable the plan names is unset, as every process does', async () => {
    const path = join(dir, 'plan.yaml');
    writeFileSync(
      path,
      [
        'corpus: { path: ./corpus.jsonl }',
        // Nothing listens here: the error must come before any connection attempt.
        "redis: { url: 'redis://127.0.0.1:9', passwordEnv: REDIS_PASSWORD }",
        'defaults:',
        "  policy: { endpoints: ['http://127.0.0.1:8000'], model: sim-policy-r0 }",
        "  ppm: { endpoints: ['http://127.0.0.1:8000'], model: sim-ppm-r0 }",
        '',
      ].join('\n'),
    );
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
    const run = workerCommand(io).parseAsync(['--plan', path, '--http-port', '0'], {
      from: 'user',
    });
    await expect(run).rejects.toThrow(RedisPasswordUnsetError);
    await expect(run).rejects.toThrow(
      `${path}, field redis.passwordEnv: environment variable REDIS_PASSWORD is not set`,
    );
  });
});
