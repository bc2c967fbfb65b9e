import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisPasswordUnsetError, readRedisPassword } from '@rstar-fleet/config';
import { readPlanInput } from './plan-input';

/** The variable the plan names (the tests pass the environment in). */
const VARIABLE = `RSTAR_TEST_REDIS_PASSWORD_${process.pid}`;

describe("the orchestrator's Redis password", () => {
  let dir: string;
  let path: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rstar-plan-input-'));
    path = join(dir, 'plan.yaml');
    writeFileSync(
      path,
      [
        'corpus: { path: ./corpus.jsonl }',
        `redis: { url: 'redis://127.0.0.1:6379', passwordEnv: ${VARIABLE} }`,
        'defaults:',
        "  policy: { endpoints: ['http://127.0.0.1:8000'], model: sim-policy-r0 }",
        "  ppm: { endpoints: ['http://127.0.0.1:8000'], model: sim-ppm-r0 }",
        '',
      ].join('\n'),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails, naming the variable and the plan field, when the variable the plan names is unset', async () => {
    const { plan } = await readPlanInput(path);
    // Before: `undefined`, and a connection without a password that failed later on NOAUTH.
    expect(() => readRedisPassword(plan, {})).toThrow(RedisPasswordUnsetError);
    expect(() => readRedisPassword(plan, {})).toThrow(
      `${path}, field redis.passwordEnv: environment variable ${VARIABLE} is not set`,
    );
  });

  it('reads the variable when it is set', async () => {
    const { plan } = await readPlanInput(path);
    expect(readRedisPassword(plan, { [VARIABLE]: 'from-the-environment' })).toBe(
      'from-the-environment',
    );
  });
});
