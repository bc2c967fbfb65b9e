import { InvalidInputError } from '@rstar-fleet/protocol';

/**
 * Keys are `/`-separated relative paths. Every segment is restricted to a portable character
 * set so that a key means the same object on a POSIX directory, a shared volume and an S3 bucket,
 * and so that no key (or run id spliced into one) can climb out of the store root.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const MAX_SEGMENT = 200;
const MAX_KEY = 1024;

/** Checks one path segment (a run id, a file name); throws InvalidInputError naming `field`. */
export function validateSegment(value: string, field: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new InvalidInputError(`must be a plain name, got ${JSON.stringify(value)}`, { field });
  }
  if (value.length > MAX_SEGMENT) {
    throw new InvalidInputError(`is longer than ${MAX_SEGMENT} characters`, { field });
  }
  if (!SEGMENT.test(value)) {
    throw new InvalidInputError(
      `may only hold letters, digits, '.', '_' and '-' (not starting with '.' or '-'), got ${JSON.stringify(value)}`,
      { field },
    );
  }
  return value;
}

/** Checks a whole key: relative, no empty / `.` / `..` segments, portable characters. */
export function validateKey(key: string, field = 'key'): string {
  if (key.startsWith('/') || key.startsWith('\\')) {
    throw new InvalidInputError(`must be relative, got ${JSON.stringify(key)}`, { field });
  }
  if (key.length > MAX_KEY) {
    throw new InvalidInputError(`is longer than ${MAX_KEY} characters`, { field });
  }
  key.split('/').forEach((segment) => validateSegment(segment, field));
  return key;
}

/**
 * Checks a listing prefix: empty (the whole store) or a key, optionally ending in `/`. Matching is
 * by whole segments, so `runs/a` does not list `runs/ab/...`.
 */
export function validatePrefix(prefix: string, field = 'prefix'): string {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return trimmed === '' ? '' : validateKey(trimmed, field);
}

/** Checks a non-negative integer index (a round, a shard). */
export function validateIndex(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(`must be a non-negative integer, got ${String(value)}`, { field });
  }
  return value;
}
