import Decimal from 'decimal.js';

/**
 * A minimal complex type over decimal.js, enough to evaluate answers such as `e^{i\pi}`,
 * `\sqrt{-4}` or `(1+i)^2` at a chosen precision. Every function returns `undefined` instead of a
 * non-finite value, so callers treat overflow and poles as "no value here".
 */
export interface Cx {
  re: Decimal;
  im: Decimal;
}

export type Dec = Decimal.Constructor;

const contexts = new Map<number, Dec>();

/** A Decimal constructor at `precision` significant digits (cached; never the global one). */
export function decimalAt(precision: number): Dec {
  let D = contexts.get(precision);
  if (D === undefined) {
    D = Decimal.clone({
      precision,
      rounding: Decimal.ROUND_HALF_EVEN,
      toExpNeg: -20,
      toExpPos: 40,
    });
    contexts.set(precision, D);
  }
  return D;
}

const piCache = new Map<number, Decimal>();

export function piAt(D: Dec): Decimal {
  const p = D.precision;
  let v = piCache.get(p);
  if (v === undefined) {
    v = D.acos(-1);
    piCache.set(p, v);
  }
  return v;
}

export function real(D: Dec, x: Decimal.Value): Cx {
  return { re: new D(x), im: new D(0) };
}

function finite(z: Cx): Cx | undefined {
  return z.re.isFinite() && z.im.isFinite() ? z : undefined;
}

export function isReal(z: Cx): boolean {
  return z.im.isZero();
}

export function add(a: Cx, b: Cx): Cx | undefined {
  return finite({ re: a.re.plus(b.re), im: a.im.plus(b.im) });
}

export function sub(a: Cx, b: Cx): Cx | undefined {
  return finite({ re: a.re.minus(b.re), im: a.im.minus(b.im) });
}

export function neg(a: Cx): Cx {
  return { re: a.re.neg(), im: a.im.neg() };
}

export function mul(a: Cx, b: Cx): Cx | undefined {
  if (a.im.isZero() && b.im.isZero()) return finite({ re: a.re.times(b.re), im: a.im.times(0) });
  return finite({
    re: a.re.times(b.re).minus(a.im.times(b.im)),
    im: a.re.times(b.im).plus(a.im.times(b.re)),
  });
}

export function div(a: Cx, b: Cx): Cx | undefined {
  if (b.re.isZero() && b.im.isZero()) return undefined;
  if (b.im.isZero()) return finite({ re: a.re.div(b.re), im: a.im.div(b.re) });
  const den = b.re.times(b.re).plus(b.im.times(b.im));
  return finite({
    re: a.re.times(b.re).plus(a.im.times(b.im)).div(den),
    im: a.im.times(b.re).minus(a.re.times(b.im)).div(den),
  });
}

export function abs(D: Dec, a: Cx): Decimal {
  return a.im.isZero() ? a.re.abs() : D.hypot(a.re, a.im);
}

export function exp(D: Dec, a: Cx): Cx | undefined {
  if (a.re.gt(1e9)) return undefined;
  const m = D.exp(a.re);
  if (a.im.isZero()) return finite({ re: m, im: new D(0) });
  return finite({ re: m.times(D.cos(a.im)), im: m.times(D.sin(a.im)) });
}

/** Principal logarithm. */
export function log(D: Dec, a: Cx): Cx | undefined {
  if (a.re.isZero() && a.im.isZero()) return undefined;
  if (a.im.isZero() && a.re.gt(0)) return finite({ re: D.ln(a.re), im: new D(0) });
  return finite({ re: D.ln(abs(D, a)), im: D.atan2(a.im, a.re) });
}

/** Integer powers by squaring: exact for Gaussian rationals, no log/exp round trip. */
export function powInt(D: Dec, a: Cx, k: bigint): Cx | undefined {
  let e = k < 0n ? -k : k;
  let result: Cx | undefined = real(D, 1);
  let base: Cx | undefined = a;
  while (e > 0n && result !== undefined && base !== undefined) {
    if (e & 1n) result = mul(result, base);
    e >>= 1n;
    if (e > 0n) base = mul(base, base);
  }
  if (result === undefined) return undefined;
  return k < 0n ? div(real(D, 1), result) : result;
}

export function pow(D: Dec, a: Cx, b: Cx): Cx | undefined {
  if (b.im.isZero() && b.re.isInteger() && b.re.abs().lte(4096)) {
    return powInt(D, a, BigInt(b.re.toFixed(0)));
  }
  if (a.im.isZero() && b.im.isZero() && a.re.gte(0)) {
    if (a.re.isZero()) return b.re.gt(0) ? real(D, 0) : undefined;
    return finite({ re: D.pow(a.re, b.re), im: new D(0) });
  }
  const l = log(D, a);
  const prod = l === undefined ? undefined : mul(l, b);
  return prod === undefined ? undefined : exp(D, prod);
}

/** k-th root: the real root for odd k of a negative real (as `\sqrt[3]{-8} = -2` is read). */
export function root(D: Dec, a: Cx, k: Cx): Cx | undefined {
  if (a.im.isZero() && k.im.isZero() && k.re.isInteger()) {
    if (a.re.gte(0)) {
      if (k.re.eq(2)) return finite({ re: D.sqrt(a.re), im: new D(0) });
      return finite({ re: D.pow(a.re, new D(1).div(k.re)), im: new D(0) });
    }
    if (k.re.mod(2).abs().eq(1)) {
      return finite({ re: D.pow(a.re.neg(), new D(1).div(k.re)).neg(), im: new D(0) });
    }
    if (k.re.eq(2)) return finite({ re: new D(0), im: D.sqrt(a.re.neg()) });
  }
  const inv = div(real(D, 1), k);
  return inv === undefined ? undefined : pow(D, a, inv);
}
