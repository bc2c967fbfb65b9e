import { NotFoundError, RstarError } from '@rstar-fleet/protocol';

function errnoOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' ? code : undefined;
}

export function isErrno(err: unknown, ...codes: string[]): boolean {
  const code = errnoOf(err);
  return code !== undefined && codes.includes(code);
}

/**
 * Maps a filesystem failure to the shared vocabulary: a missing object is NOT_FOUND; anything
 * else (permissions, a full disk, a vanished volume) is UNAVAILABLE, since an operator or a retry
 * may fix it. The original error stays in `cause`.
 */
export function storeIoError(op: string, key: string, err: unknown): RstarError {
  if (isErrno(err, 'ENOENT'))
    return new NotFoundError(`${op} ${key}: no such object`, { cause: err });
  const detail = err instanceof Error ? err.message : String(err);
  return new RstarError('UNAVAILABLE', `${op} ${key}: ${detail}`, { cause: err });
}

/** Another live writer holds the shard's results file. */
export class ShardLockedError extends RstarError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('FAILED_PRECONDITION', message, options);
  }
}

/** This writer's lock was taken over (it was judged stale); it must stop writing. */
export class LockLostError extends RstarError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('FAILED_PRECONDITION', message, options);
  }
}
