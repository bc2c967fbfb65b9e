import { randomBytes } from 'node:crypto';

/**
 * Test helpers of the queue side. A private redis-server for a test comes from
 * @rstar-fleet/local-fleet (`startPrivateRedis`), the one launcher.
 */

/** A queue prefix no other test run shares (Redis Cluster hash tag included). */
export function uniquePrefix(label = 'test'): string {
  return `{${label}-${process.pid}-${randomBytes(4).toString('hex')}}`;
}
