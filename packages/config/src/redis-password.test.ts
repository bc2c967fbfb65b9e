import { RstarError } from '@rstar-fleet/protocol';
import { RedisPasswordUnsetError } from './redis-password-unset-error';
import { readRedisPassword } from './redis-password';

const plan = (passwordEnv: string | null) => ({
  source: 'plans/prod.yaml',
  redis: { url: 'redis://redis:6379', passwordEnv, prefix: '{rstar}' },
});

describe('readRedisPassword', () => {
  it('reads nothing when the plan names no variable', () => {
    expect(readRedisPassword(plan(null), { REDIS_PASSWORD: 'ignored' })).toBeUndefined();
  });

  it('reads the variable the plan names', () => {
    expect(readRedisPassword(plan('REDIS_PASSWORD'), { REDIS_PASSWORD: 's3cret' })).toBe('s3cret');
  });

  it.each([
    ['unset', {}],
    ['empty', { REDIS_PASSWORD: '' }],
  ])('refuses a named variable that is %s, naming the variable and the plan field', (_, env) => {
    const read = (): unknown => readRedisPassword(plan('REDIS_PASSWORD'), env);
    expect(read).toThrow(RedisPasswordUnsetError);
    expect(read).toThrow(
      'plans/prod.yaml, field redis.passwordEnv: environment variable REDIS_PASSWORD is not set',
    );
    let caught: unknown;
    try {
      read();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RstarError);
    expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', variable: 'REDIS_PASSWORD' });
  });
});
