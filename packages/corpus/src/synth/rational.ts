/** Exact rationals over safe integers: the values of the synthetic family's programs. */
export interface Rational {
  readonly n: number;
  readonly d: number;
}

/** Raised when a value leaves the safe-integer range (never on generated content). */
export class RationalOverflow extends Error {}

const gcd = (a: number, b: number): number => {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
};

export function rational(n: number, d = 1): Rational {
  if (d === 0) throw new RangeError('zero denominator');
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d)) throw new RationalOverflow();
  const g = gcd(n, d) || 1;
  const sign = d < 0 ? -1 : 1;
  return { n: (sign * n) / g, d: (sign * d) / g };
}

export const add = (a: Rational, b: Rational): Rational =>
  rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational =>
  rational(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => rational(a.n * b.d, a.d * b.n);
/** Python's `//`: floor of the quotient. */
export const floorDiv = (a: Rational, b: Rational): Rational => {
  const q = div(a, b);
  return rational(Math.floor(q.n / q.d));
};
/** Python's `%`: a − b·floor(a/b), sign of the divisor. */
export const mod = (a: Rational, b: Rational): Rational => sub(a, mul(b, floorDiv(a, b)));

/** As Python prints an int or a Fraction: `15`, `-7/2`. */
export function formatRational(r: Rational): string {
  return r.d === 1 ? String(r.n) : `${r.n}/${r.d}`;
}

/** Reads `15`, `-7/2`, `\frac{7}{2}`, `15.0`; null otherwise. */
export function parseRational(text: string): Rational | null {
  const s = text.trim().replace(/^\\dfrac|^\\frac/, '\\frac');
  let m = /^(-?\d+)$/.exec(s);
  if (m) return rational(Number(m[1]));
  m = /^(-?\d+)\.0+$/.exec(s);
  if (m) return rational(Number(m[1]));
  m = /^(-?\d+)\s*\/\s*(\d+)$/.exec(s) ?? /^(-?)\\frac\{(\d+)\}\{(\d+)\}$/.exec(s);
  if (m === null) return null;
  if (m.length === 4) {
    const sign = m[1] === '-' ? -1 : 1;
    return Number(m[3]) === 0 ? null : rational(sign * Number(m[2]), Number(m[3]));
  }
  return Number(m[2]) === 0 ? null : rational(Number(m[1]), Number(m[2]));
}

export const equalRational = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;
