import { InvalidInputError } from '@rstar-fleet/protocol';

/**
 * The plan names an environment variable for the Redis password (`redis.passwordEnv`) and this
 * process does not have it: every process (orchestrator, worker, operator commands) stops with
 * this, instead of connecting without a password and failing later on NOAUTH.
 */
export class RedisPasswordUnsetError extends InvalidInputError {
  constructor(
    readonly variable: string,
    source: string,
  ) {
    super(
      `environment variable ${variable} is not set (the plan reads the Redis password from it)`,
      {
        source,
        field: 'redis.passwordEnv',
      },
    );
  }
}
