import type { RunPlan } from './compile-plan';
import { RedisPasswordUnsetError } from './redis-password-unset-error';

/** The environment a process was started with (`process.env` at the app's edge). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The Redis password of a plan, read the one way every process reads it: none when the plan
 * names no variable; the variable's value when it does; RedisPasswordUnsetError (naming the
 * variable and the plan field) when the named variable is unset or empty.
 */
export function readRedisPassword(
  plan: Pick<RunPlan, 'redis' | 'source'>,
  env: Environment,
): string | undefined {
  const variable = plan.redis.passwordEnv;
  if (variable === null) return undefined;
  const password = env[variable];
  if (password === undefined || password === '') {
    throw new RedisPasswordUnsetError(variable, plan.source);
  }
  return password;
}
