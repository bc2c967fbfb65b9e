import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { deriveSeed } from '../search/seed';

/** A seeded random source for the toy world (pure-rand's xoroshiro128+). Test double only. */
export interface ToyRng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box–Muller). */
  gaussian(): number;
}

export function createToyRng(seed: number): ToyRng {
  const gen = xoroshiro128plus(seed);
  const float = (): number => uniformFloat64(gen);
  return {
    float,
    int: (min, max) => uniformInt(gen, min, max),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[uniformInt(gen, 0, items.length - 1)] as T;
    },
    gaussian: () => Math.sqrt(-2 * Math.log(1 - float())) * Math.cos(2 * Math.PI * float()),
  };
}

/** A generator keyed by a seed and a string (prefix, problem id), independent of call order. */
export function keyedRng(seed: number, key: string): ToyRng {
  return createToyRng(deriveSeed(seed, key));
}
