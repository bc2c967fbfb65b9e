import { hash32 } from '@rstar-fleet/protocol';
/**
 * The synthetic family's random source: mulberry32 over a 32-bit state, seeded by an FNV-1a hash
 * of a key. Hand-rolled (not a dependency) because the generator draws a few dozen numbers per
 * problem for 747k problems and must stay byte-identical across releases for a given seed.
 */
export interface SynthRng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box–Muller). */
  gaussian(): number;
}

/** A 32-bit hash of the parts (see hash32). */
export function hashKey(...parts: ReadonlyArray<string | number>): number {
  return hash32(parts.join('\u0001'));
}

export function createRng(seed: number): SynthRng {
  let state = seed >>> 0;
  const float = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(float() * (max - min + 1));
  return {
    float,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    gaussian: () => Math.sqrt(-2 * Math.log(1 - float())) * Math.cos(2 * Math.PI * float()),
  };
}

/** A generator keyed by a seed and any parts, independent of the order other keys are drawn. */
export function keyedRng(seed: number, ...parts: ReadonlyArray<string | number>): SynthRng {
  return createRng(hashKey(seed, ...parts));
}
