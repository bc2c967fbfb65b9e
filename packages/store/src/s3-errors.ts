import { NotFoundError, RstarError } from '@rstar-fleet/protocol';

/** The HTTP status of an AWS SDK error, if it carries one. */
export function s3StatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta = err.$metadata;
  if (typeof meta !== 'object' || meta === null || !('httpStatusCode' in meta)) return undefined;
  return typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

/** Maps an S3 failure like a filesystem one: 404 is NOT_FOUND, anything else UNAVAILABLE. */
export function s3Error(op: string, key: string, err: unknown): RstarError {
  if (err instanceof RstarError) return err;
  if (s3StatusOf(err) === 404)
    return new NotFoundError(`${op} ${key}: no such object`, { cause: err });
  const detail = err instanceof Error ? err.message : String(err);
  return new RstarError('UNAVAILABLE', `${op} ${key}: ${detail}`, { cause: err });
}
