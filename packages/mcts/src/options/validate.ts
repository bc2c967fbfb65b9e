import { InvalidInputError } from '@rstar-fleet/protocol';

/**
 * Small checks used when compiling option objects once, up front. Each names the offending field
 * (`mcts.rollouts`, `protocol.stepEnd`, …) so a bad plan setting is found without reading code.
 */

export function rejectUnknownKeys(value: object, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InvalidInputError(`unknown option (allowed: ${allowed.join(', ')})`, {
        field: `${prefix}.${key}`,
      });
    }
  }
}

export function intOption(
  value: unknown,
  field: string,
  range: { min?: number; max?: number } = {},
): number {
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`expected an integer in [${min}, ${max}], got ${String(value)}`, {
      field,
    });
  }
  return value;
}

export function numberOption(
  value: unknown,
  field: string,
  range: { min?: number; max?: number } = {},
): number {
  const min = range.min ?? -Infinity;
  const max = range.max ?? Infinity;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new InvalidInputError(`expected a number in [${min}, ${max}], got ${String(value)}`, {
      field,
    });
  }
  return value;
}

export function booleanOption(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidInputError(`expected a boolean, got ${String(value)}`, { field });
  }
  return value;
}

export function enumOption<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`expected one of ${allowed.join(', ')}, got ${String(value)}`, {
      field,
    });
  }
  return value as T;
}

export function stringOption(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError('expected a non-empty string', { field });
  }
  return value;
}
