import type Decimal from 'decimal.js';
import type { Node } from './ast';
import type { Budget } from './budget';
import * as C from './complex';
import type { Cx } from './complex';
import { exactEval } from './exact';
import { numericEval } from './numeric';
import * as Q from './rational';
import type { Rational } from './rational';
import { contains, freeSymbols, key } from './tree';

/** Per-call settings shared by every comparison of one grading call. */
export interface EvalContext {
  budget: Budget;
  /** Working precision (significant digits) of the first numeric pass; the second uses twice it. */
  precision: number;
  /** Random points at which expressions with free variables are compared. */
  points: number;
  /** Values already computed in this call, per node and point (list comparisons repeat them). */
  cache: WeakMap<Node, Map<string, Val | undefined>>;
}

/**
 * A value at one point: exact when the expression is rational there, otherwise a complex
 * approximation with an error bound estimated from two evaluations at different precisions.
 * `big` marks values built from parts too large for exact arithmetic: they can be shown to
 * differ, never to be equal.
 */
export type Val = { exact: Rational } | { z: Cx; err: Decimal; big: boolean };

export type Tri = 'equal' | 'different' | 'unknown';

/**
 * The value of `n` at a point. With `realOnly`, only a value reached through real numbers
 * counts (the point must be in the real domain of every subexpression); otherwise complex
 * intermediate values are allowed (`\sqrt{-4} = 2i`).
 */
export function valueAt(
  n: Node,
  env: ReadonlyMap<string, Rational>,
  ctx: EvalContext,
  realOnly = false,
): Val | undefined {
  let perNode = ctx.cache.get(n);
  if (perNode === undefined) {
    perNode = new Map();
    ctx.cache.set(n, perNode);
  }
  const at = `${realOnly ? 'R' : 'C'}:${[...env].map(([k, v]) => `${k}=${v.n}/${v.d}`).join(';')}`;
  if (perNode.has(at)) return perNode.get(at);
  const v = computeValue(n, env, ctx, realOnly);
  perNode.set(at, v);
  return v;
}

function computeValue(
  n: Node,
  env: ReadonlyMap<string, Rational>,
  ctx: EvalContext,
  realOnly: boolean,
): Val | undefined {
  const e = exactEval(n, env, ctx.budget);
  if (e.ok) return { exact: e.v };
  if (e.why === 'undefined') return undefined;
  const p1 = ctx.precision;
  const p2 = 2 * p1;
  const D2 = C.decimalAt(p2);
  const z1 = numericEval(n, env, C.decimalAt(p1), ctx.budget, realOnly);
  if (z1 === undefined) return undefined;
  const z2 = numericEval(n, env, D2, ctx.budget, realOnly);
  if (z2 === undefined) return undefined;
  const d = C.sub({ re: new D2(z1.re), im: new D2(z1.im) }, z2);
  if (d === undefined) return undefined;
  // The second pass is about p1 digits better than the first, so the first pass's error
  // (|z1 − z2|) shrunk by 10^(p1 − 20) bounds the second's, with 20 digits to spare.
  const err = C.abs(D2, d)
    .times(new D2(10).pow(-(p1 - 20)))
    .plus(C.abs(D2, z2).times(new D2(10).pow(-(p2 - 20))));
  return { z: z2, err, big: e.why === 'big' };
}

function toApprox(v: Val, ctx: EvalContext): { z: Cx; err: Decimal; big: boolean } {
  if (!('exact' in v)) return v;
  const D = C.decimalAt(2 * ctx.precision);
  const z: Cx = { re: new D(v.exact.n).div(new D(v.exact.d)), im: new D(0) };
  return { z, err: C.abs(D, z).times(new D(10).pow(-(2 * ctx.precision - 10))), big: false };
}

export function valEq(a: Val, b: Val, ctx: EvalContext): Tri {
  if ('exact' in a && 'exact' in b) return Q.eq(a.exact, b.exact) ? 'equal' : 'different';
  const x = toApprox(a, ctx);
  const y = toApprox(b, ctx);
  const D = C.decimalAt(2 * ctx.precision);
  const d = C.sub(x.z, y.z);
  if (d === undefined) return 'unknown';
  const close = C.abs(D, d).lte(x.err.plus(y.err));
  if (!close) return 'different';
  return x.big || y.big ? 'unknown' : 'equal';
}

export function valMul(a: Val, b: Val, ctx: EvalContext): Val | undefined {
  if ('exact' in a && 'exact' in b) {
    const r = Q.mul(a.exact, b.exact);
    return r === undefined ? undefined : { exact: r };
  }
  const x = toApprox(a, ctx);
  const y = toApprox(b, ctx);
  const D = C.decimalAt(2 * ctx.precision);
  const z = C.mul(x.z, y.z);
  if (z === undefined) return undefined;
  const err = C.abs(D, x.z).times(y.err).plus(C.abs(D, y.z).times(x.err)).plus(x.err.times(y.err));
  return { z, err, big: x.big || y.big };
}

export function valDiv(a: Val, b: Val, ctx: EvalContext): Val | undefined {
  if ('exact' in a && 'exact' in b) {
    const r = Q.div(a.exact, b.exact);
    return r === undefined ? undefined : { exact: r };
  }
  const x = toApprox(a, ctx);
  const y = toApprox(b, ctx);
  const D = C.decimalAt(2 * ctx.precision);
  const ay = C.abs(D, y.z);
  if (ay.lte(y.err.times(2))) return undefined;
  const z = C.div(x.z, y.z);
  if (z === undefined) return undefined;
  const err = x.err.plus(C.abs(D, z).times(y.err)).div(ay.minus(y.err));
  return { z, err, big: x.big || y.big };
}

export function isZero(v: Val, ctx: EvalContext): Tri {
  return valEq(v, { exact: Q.ZERO }, ctx);
}

/** Sign of a real value (for inequality directions); undefined if not decidable or not real. */
export function signOf(v: Val, ctx: EvalContext): -1 | 0 | 1 | undefined {
  if (isNonReal(v, ctx)) return undefined;
  if ('exact' in v) return v.exact.n < 0n ? -1 : v.exact.n > 0n ? 1 : 0;
  const x = toApprox(v, ctx);
  if (x.z.re.abs().lte(x.err)) return x.big ? undefined : 0;
  return x.z.re.isNeg() ? -1 : 1;
}

/** Whether the value certainly has a non-zero imaginary part. */
export function isNonReal(v: Val, ctx: EvalContext): boolean {
  if ('exact' in v) return false;
  const D = C.decimalAt(2 * ctx.precision);
  return v.z.im.abs().gt(v.err.times(new D(2)));
}

/** Deterministic pseudo-random generator (mulberry32), so verdicts never vary between runs. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sample points for the free variables: positive dyadic rationals (odd / 2, 4 or 8, between
 * about 0.4 and 50), so that roots and logarithms of the variables stay on their principal real
 * branches, no point is an integer (where floor, sin(πx) or (−1)^x are special), and exact
 * arithmetic on polynomials needs no general gcd (see `rational.ts`).
 */
export function samplePoints(symbols: string[], count: number): Map<string, Rational>[] {
  const next = prng(0x5eed1234);
  const points: Map<string, Rational>[] = [];
  for (let i = 0; i < count; i++) {
    const env = new Map<string, Rational>();
    for (const s of symbols) {
      const num = 3 + 2 * Math.floor(next() * 48);
      const den = 2 ** (1 + Math.floor(next() * 3));
      env.set(s, Q.rat(BigInt(num), BigInt(den)) as Rational);
    }
    points.push(env);
  }
  return points;
}

export function symbolsOf(...nodes: Node[]): string[] {
  const set = new Set<string>();
  for (const n of nodes) freeSymbols(n, set);
  return [...set].sort();
}

const MAX_SYMBOLS = 16;

/**
 * Mathematical equality of two scalar expressions: exact where both are rational, otherwise at
 * high precision with an error bound; with free variables, at several seeded random points
 * (polynomial identity testing). Too large to decide, or decided at too few points: unknown.
 */
export function scalarEqual(a: Node, b: Node, ctx: EvalContext): Tri {
  const symbols = symbolsOf(a, b);
  if (symbols.length > MAX_SYMBOLS) return 'unknown';
  const points =
    symbols.length === 0 ? [new Map<string, Rational>()] : samplePoints(symbols, ctx.points);
  if (key(a) === key(b)) {
    // Written identically: equal, unless it has no value at all (`\frac{1}{0}` is no answer).
    const e = exactEval(a, points[0] as Map<string, Rational>, ctx.budget);
    return !e.ok && e.why === 'undefined' && symbols.length === 0 ? 'different' : 'equal';
  }
  let decided = 0;
  for (const env of points) {
    const va = valueAt(a, env, ctx);
    const vb = valueAt(b, env, ctx);
    if (va === undefined || vb === undefined) {
      if (symbols.length === 0 && (va === undefined) !== (vb === undefined)) return 'different';
      continue;
    }
    const r = valEq(va, vb, ctx);
    if (r !== 'equal') return r;
    decided++;
  }
  const needed = symbols.length === 0 ? 1 : Math.min(3, points.length);
  if (decided < needed) return 'unknown';
  if (symbols.length === 0 || !(hasBranch(a) || hasBranch(b))) return 'equal';
  return refuteAtNegativePoints(a, b, symbols, ctx);
}

const NON_ANALYTIC = new Set(['abs', 'floor', 'ceil', 'max', 'min', 'conj']);

/**
 * Whether the expression can switch formula with the sign of a variable (`|x|`, `\sqrt{x^2}`,
 * `x^{2/3}`). Expressions built from analytic pieces (polynomials, quotients, exp, log, trig)
 * that agree on the positive sample points agree wherever both are defined, so only these
 * need the negative points.
 */
function hasBranch(n: Node): boolean {
  return contains(n, (m) => {
    if (m.k === 'fn') return NON_ANALYTIC.has(m.name);
    if (m.k === 'root') return freeSymbols(m.arg).size > 0;
    if (m.k !== 'pow' || freeSymbols(m.base).size === 0) return false;
    const e = m.exp.k === 'neg' ? m.exp.arg : m.exp;
    return !(e.k === 'num' && e.value.d === 1n);
  });
}

/**
 * The positive sample points cannot tell `|x|` from `x` or `\sqrt{x^2}` from `x`. The same
 * points with some coordinates negated can, wherever both expressions are real all the way
 * through: a point outside either real domain (`\ln x`, `\sqrt{x}\sqrt{y}` at x, y < 0) is
 * skipped, so a difference of domains alone never makes two answers different. These points
 * only refute; they never count towards equality.
 */
function refuteAtNegativePoints(a: Node, b: Node, symbols: string[], ctx: EvalContext): Tri {
  const points = samplePoints(symbols, ctx.points);
  for (let i = 0; i < points.length; i++) {
    const env = new Map<string, Rational>();
    // Sign pattern i + 1 in binary: with one variable, every other point is negative.
    symbols.forEach((s, j) => {
      const v = (points[i] as Map<string, Rational>).get(s) as Rational;
      env.set(s, ((i + 1) >> j) % 2 === 1 ? Q.neg(v) : v);
    });
    const va = valueAt(a, env, ctx, true);
    const vb = valueAt(b, env, ctx, true);
    if (va !== undefined && vb !== undefined && valEq(va, vb, ctx) === 'different') {
      return 'different';
    }
  }
  return 'equal';
}

/**
 * Whether f = c·g for a constant c ≠ 0 (c > 0 when `positive`): equations f = 0 and g = 0 written
 * differently (`y = 2x + 3` and `2x − y + 3 = 0`), or inequalities f < 0 and g < 0.
 */
export function proportional(f: Node, g: Node, positive: boolean, ctx: EvalContext): Tri {
  const symbols = symbolsOf(f, g);
  if (symbols.length === 0 || symbols.length > MAX_SYMBOLS) return 'unknown';
  const points = samplePoints(symbols, ctx.points + 1);
  const vals: Array<[Val, Val]> = [];
  for (const env of points) {
    const vf = valueAt(f, env, ctx);
    const vg = valueAt(g, env, ctx);
    if (vf !== undefined && vg !== undefined) vals.push([vf, vg]);
  }
  if (vals.length < 3) return 'unknown';
  let ratio: Val | undefined;
  for (const [vf, vg] of vals) {
    const zf = isZero(vf, ctx);
    const zg = isZero(vg, ctx);
    if (zf === 'unknown' || zg === 'unknown') return 'unknown';
    if (zf !== zg) return 'different';
    if (zf === 'equal') continue;
    if (ratio === undefined) {
      ratio = valDiv(vf, vg, ctx);
      if (ratio === undefined) return 'unknown';
      if (positive) {
        const s = signOf(ratio, ctx);
        if (s === undefined) return 'unknown';
        if (s <= 0) return 'different';
      }
      continue;
    }
    const scaled = valMul(ratio, vg, ctx);
    if (scaled === undefined) return 'unknown';
    const r = valEq(vf, scaled, ctx);
    if (r !== 'equal') return r;
  }
  return ratio === undefined ? 'unknown' : 'equal';
}
