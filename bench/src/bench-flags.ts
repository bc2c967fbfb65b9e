import { InvalidInputError } from '@rstar-fleet/protocol';

/**
 * `npm run bench -- NAME... [--flag value | --flag=value]...`: benchmark names and the flags that
 * size them. Flags are shared by every named benchmark; each one reads the ones it knows.
 */
export interface BenchArgs {
  names: string[];
  flags: BenchFlags;
}

export type BenchFlags = Readonly<Record<string, string>>;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const names: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 2) {
      flags[arg.slice(2, eq)] = arg.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    // A flag followed by another flag or nothing is a switch (`--help`).
    if (next === undefined || next.startsWith('--')) flags[arg.slice(2)] = 'true';
    else {
      flags[arg.slice(2)] = next;
      i++;
    }
  }
  return { names, flags };
}

/** An integer flag in [min, max], or `fallback` when absent; errors name the flag. */
export function intFlag(
  flags: BenchFlags,
  name: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`expected an integer in [${min}, ${max}], got ${raw}`, {
      field: `--${name}`,
    });
  }
  return value;
}

/** A number flag ≥ min. */
export function numberFlag(flags: BenchFlags, name: string, fallback: number, min = 0): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new InvalidInputError(`expected a number ≥ ${min}, got ${raw}`, { field: `--${name}` });
  }
  return value;
}

/** A comma-separated list of integers (e.g. `--workers 1,2`). */
export function intListFlag(flags: BenchFlags, name: string, fallback: number[]): number[] {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new InvalidInputError(`expected positive integers separated by commas, got ${raw}`, {
      field: `--${name}`,
    });
  }
  return values;
}

/** A list of `a×b` or `a:b` pairs separated by commas (e.g. `--settings 64:4,128:4`). */
export function pairListFlag(
  flags: BenchFlags,
  name: string,
  fallback: Array<[number, number]>,
): Array<[number, number]> {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  return raw.split(',').map((item) => {
    const parts = item.split(/[:x×]/).map((v) => Number(v.trim()));
    const [a, b] = parts;
    if (parts.length !== 2 || !Number.isInteger(a) || !Number.isInteger(b) || a! < 1 || b! < 1) {
      throw new InvalidInputError(`expected pairs like 64:4 separated by commas, got ${raw}`, {
        field: `--${name}`,
      });
    }
    return [a!, b!];
  });
}
