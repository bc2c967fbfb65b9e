/**
 * Exact rationals over native BigInt with a positive denominator. Every operation that can grow
 * without bound checks a bit budget first: a value too large to hold is reported as `undefined`,
 * never computed. Fractions are reduced only while they are small, because Euclid's algorithm on
 * BigInt is quadratic per step (seconds at 100k bits); equality cross-multiplies, so an unreduced
 * value still compares exactly.
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

/** Largest numerator or denominator we agree to build (about 20,000 decimal digits; 5000! fits). */
export const MAX_BITS = 65_536;

/** Above this size a fraction is left unreduced (see above). */
const REDUCE_BITS = 4096;

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

const SAFE = 9_007_199_254_740_992n;

export function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) {
    if (x < SAFE && y < SAFE) {
      // Both fit in a double now: finish in float arithmetic, several times faster than BigInt.
      let p = Number(x);
      let q = Number(y);
      while (q !== 0) {
        const t = p % q;
        p = q;
        q = t;
      }
      return BigInt(p);
    }
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function bitLength(x: bigint): number {
  const a = abs(x);
  if (a === 0n) return 0;
  // toString(16) is linear and exact; bit twiddling on BigInt is not cheaper in V8.
  const hex = a.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0] ?? '0', 16)));
}

function tooBig(x: bigint): boolean {
  return bitLength(x) > MAX_BITS;
}

export function rat(n: bigint, d: bigint = 1n): Rational | undefined {
  if (d === 0n) return undefined;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (d === 1n) return tooBig(n) ? undefined : { n, d };
  if ((d & (d - 1n)) === 0n) return reduceDyadic(n, d);
  if (bitLength(n) > REDUCE_BITS || bitLength(d) > REDUCE_BITS) {
    return tooBig(n) || tooBig(d) ? undefined : { n, d };
  }
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

/**
 * n / 2^k: the common factor is a power of two, found from the trailing zero bits of n in
 * linear time. Sample points are dyadic, so polynomial values stay on this fast path.
 */
function reduceDyadic(n: bigint, d: bigint): Rational | undefined {
  if (n === 0n) return ZERO;
  const low = n & -n;
  const g = low < d ? low : d;
  const r = g > 1n ? { n: n / g, d: d / g } : { n, d };
  return tooBig(r.n) || tooBig(r.d) ? undefined : r;
}

/** The fully reduced form (may run Euclid on large values: callers use it sparingly). */
export function reduce(a: Rational): Rational {
  if (a.d === 1n) return a;
  if ((a.d & (a.d - 1n)) === 0n) return reduceDyadic(a.n, a.d) ?? a;
  const g = gcd(a.n, a.d);
  return g > 1n ? { n: a.n / g, d: a.d / g } : a;
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const ONE: Rational = { n: 1n, d: 1n };

export function fromInt(n: number | bigint): Rational {
  return { n: BigInt(n), d: 1n };
}

export function add(a: Rational, b: Rational): Rational | undefined {
  return rat(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational | undefined {
  return rat(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Rational, b: Rational): Rational | undefined {
  return rat(a.n * b.n, a.d * b.d);
}

export function div(a: Rational, b: Rational): Rational | undefined {
  return b.n === 0n ? undefined : rat(a.n * b.d, a.d * b.n);
}

export function neg(a: Rational): Rational {
  return { n: -a.n, d: a.d };
}

export function eq(a: Rational, b: Rational): boolean {
  return a.d === b.d ? a.n === b.n : a.n * b.d === b.n * a.d;
}

export function cmp(a: Rational, b: Rational): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function isInteger(a: Rational): boolean {
  return a.d === 1n || a.n % a.d === 0n;
}

/** The integer value of an integral rational. */
export function toInteger(a: Rational): bigint {
  return a.n / a.d;
}

/** a^k for an integer k, refusing results beyond the bit budget before computing them. */
export function powInt(a: Rational, k: bigint): Rational | undefined {
  if (k === 0n) return a.n === 0n ? undefined : ONE;
  if (a.n === 0n) return k > 0n ? ZERO : undefined;
  if (abs(a.n) === 1n && a.d === 1n) return k % 2n === 0n ? ONE : a;
  const size = Math.max(bitLength(a.n), bitLength(a.d));
  // (size − 1)·k bits is a lower bound on the result: refuse before computing anything huge.
  if (abs(k) > BigInt(MAX_BITS) || (size - 1) * Number(abs(k)) > MAX_BITS) return undefined;
  const e = abs(k);
  // Powers of a reduced fraction are reduced: no gcd needed on the (possibly large) result.
  const base = reduce(a);
  const n = base.n ** e;
  const d = base.d ** e;
  if (tooBig(n) || tooBig(d)) return undefined;
  const r = { n, d };
  return k > 0n ? r : div(ONE, r);
}

/** The exact integer k-th root of x ≥ 0 when it exists. */
export function intRoot(x: bigint, k: number): bigint | undefined {
  if (x < 0n) return undefined;
  if (x < 2n) return x;
  const bits = bitLength(x);
  // Newton's method from an overestimate; converges monotonically from above.
  let r = 1n << BigInt(Math.ceil(bits / k) + 1);
  const K = BigInt(k);
  for (;;) {
    const next = ((K - 1n) * r + x / r ** (K - 1n)) / K;
    if (next >= r) break;
    r = next;
  }
  return r ** K === x ? r : undefined;
}

/** The exact k-th root of a rational (odd k allows negatives), or undefined when irrational. */
export function root(a: Rational, k: number): Rational | undefined {
  if (k < 1) return undefined;
  if (k === 1) return a;
  const negative = a.n < 0n;
  if (negative && k % 2 === 0) return undefined;
  if (bitLength(a.n) > 2 * REDUCE_BITS || bitLength(a.d) > 2 * REDUCE_BITS) return undefined;
  const r = reduce(a);
  const n = intRoot(abs(r.n), k);
  const d = intRoot(r.d, k);
  if (n === undefined || d === undefined) return undefined;
  return rat(negative ? -n : n, d);
}

export const MAX_FACTORIAL = 5000;

export function factorial(n: bigint): bigint | undefined {
  if (n < 0n || n > BigInt(MAX_FACTORIAL)) return undefined;
  // Product tree keeps the multiplications balanced, which is much faster than a running product.
  const prod = (lo: bigint, hi: bigint): bigint => {
    if (lo > hi) return 1n;
    if (hi - lo < 8n) {
      let p = 1n;
      for (let i = lo; i <= hi; i++) p *= i;
      return p;
    }
    const mid = (lo + hi) / 2n;
    return prod(lo, mid) * prod(mid + 1n, hi);
  };
  return prod(1n, n);
}

export function binomial(n: bigint, k: bigint): bigint | undefined {
  if (n < 0n) return undefined;
  if (k < 0n || k > n) return 0n;
  const kk = k < n - k ? k : n - k;
  if (kk > BigInt(MAX_FACTORIAL) || n > 1_000_000n) return undefined;
  let r = 1n;
  for (let i = 1n; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return tooBig(r) ? undefined : r;
}

export function toString(a: Rational): string {
  const r = reduce(a);
  return r.d === 1n ? r.n.toString() : `${r.n}/${r.d}`;
}

/** Parses a plain decimal literal (`12`, `0.50`, `.5`) exactly. */
export function fromDecimalString(s: string): Rational | undefined {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (m === null) return undefined;
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  if (int === '' && frac === '') return undefined;
  if (int.length + frac.length > 15_000) return undefined;
  return rat(BigInt(int + frac || '0'), 10n ** BigInt(frac.length));
}
