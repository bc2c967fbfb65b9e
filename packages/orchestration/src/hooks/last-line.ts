import { hookResultSchema } from '@rstar-fleet/config';

/** Keeps the last `max` characters of a stream's text (stderr tails, bounded memory). */
export class TailBuffer {
  private text = '';
  constructor(private readonly max: number) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * The hook protocol: the last non-empty stdout line is a JSON object matching hookResultSchema
 * (every field kept, e.g. an audit). Returns the object or why it is not one.
 */
export function parseHookResultLine(
  stdoutTail: string,
): { result: Record<string, unknown> } | { error: string } {
  const lines = stdoutTail.split('\n').map((l) => l.trim());
  const last = lines.filter((l) => l !== '').at(-1);
  if (last === undefined)
    return { error: 'the hook printed nothing on stdout (expected a JSON line last)' };
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch {
    return { error: `the last stdout line is not JSON: ${last.slice(0, 200)}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { error: `the last stdout line is not a JSON object: ${last.slice(0, 200)}` };
  }
  const parsed = hookResultSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      error:
        `the last stdout line does not name models: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    };
  }
  return { result: json as Record<string, unknown> };
}
