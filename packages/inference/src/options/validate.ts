import { InvalidInputError } from '@rstar-fleet/protocol';
import type { z } from 'zod';

/** `endpoints[1].url` from zod's path `['endpoints', 1, 'url']`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Parses once at construction; the error names the first offending field. */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue === undefined ? '' : fieldPath(issue.path);
  return invalid(`${what}: ${issue?.message ?? 'invalid options'}`, field, result.error);
}

function invalid(message: string, field: string, cause: unknown): never {
  throw new InvalidInputError(message, field === '' ? {} : { field }, { cause });
}
