import { RstarError, type RstarErrorOptions } from '@rstar-fleet/protocol';

/** A private Redis was wanted and there is no `redis-server` on PATH. */
export class RedisMissingError extends RstarError {
  constructor(options: RstarErrorOptions = {}) {
    super(
      'FAILED_PRECONDITION',
      'no redis-server on PATH: install it (e.g. apt-get install redis-server), or set REDIS_URL',
      options,
    );
  }
}
