import type { z } from 'zod';
import { InvalidInputError, type InputLocation } from './errors';
import { checkVersion } from './version-error';

/** What a versioned JSON document is: its name in messages, its schema and the version read. */
export interface VersionedJsonKind<S extends z.ZodType> {
  /** `round manifest`, `eval run record`: starts every message. */
  what: string;
  schema: S;
  version: number;
}

/**
 * Reads one JSON document this rstar-fleet wrote (a manifest file, a results-log line): another
 * version is refused (VersionMismatchError, naming the file and what to do); anything else wrong
 * is an InvalidInputError at `where`, naming the first offending field.
 */
export function parseVersionedJson<S extends z.ZodType>(
  text: string,
  where: InputLocation,
  kind: VersionedJsonKind<S>,
): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError(`${kind.what} is not valid JSON`, where, { cause });
  }
  checkVersion(json, kind.version, where.source ?? kind.what);
  const parsed = kind.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.');
    throw new InvalidInputError(`${kind.what}: ${issue?.message ?? 'invalid'}`, {
      ...where,
      ...(field ? { field } : {}),
    });
  }
  return parsed.data;
}
