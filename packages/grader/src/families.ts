import type { Node } from './ast';
import { assignment } from './assign';
import { decimalAt } from './complex';
import { degreeBound } from './linear';
import { numericEval } from './numeric';
import * as Q from './rational';
import { type EvalContext, type Tri, scalarEqual } from './scalar';
import { expandPm, freeSymbols, substitute } from './tree';

/**
 * General solutions over an integer parameter: `x = \frac{\pi}{4} + k\pi, k \in \mathbb{Z}`.
 * Each member a + b·k (affine in k, proved by its degree) is the arithmetic progression
 * a + bℤ, and a union of progressions is compared as a set: all steps are brought to one
 * common period T (they must be rational multiples of each other), every member is split
 * into its residues modulo T, and the two sides must have the same residues. So
 * `\frac{\pi}{4} + k\pi` equals `\frac{5\pi}{4} + n\pi` and `\frac{k\pi}{2}` equals
 * `k\pi, \frac{\pi}{2} + k\pi`, while `\frac{\pi}{4} + 2k\pi` does not equal `\frac{\pi}{4} + k\pi`.
 */
export interface Family {
  param: string;
  members: Node[];
}

/** Residues per side at most: beyond this the comparison is undecided. */
const MAX_RESIDUES = 24;
/** Steps are compared as rational multiples p/q of each other with q at most this. */
const MAX_DENOMINATOR = 24;

function declaredParameter(n: Node): string | undefined {
  if (n.k !== 'rel' || n.ops.length !== 1 || n.ops[0] !== 'in') return undefined;
  const [lhs, rhs] = n.sides as [Node, Node];
  return lhs.k === 'sym' && rhs.k === 'text' && rhs.text === 'integers' ? lhs.name : undefined;
}

/**
 * A list that declares one integer parameter (`…, k \in \mathbb{Z}`) and its members; how the
 * members are joined ("or", "and", commas) does not matter, each one is a set of solutions.
 */
export function familyOf(n: Node): Family | undefined {
  if (n.k !== 'list' || n.open !== '') return undefined;
  const params = new Set(n.items.map(declaredParameter).filter((p) => p !== undefined));
  const param = [...params][0];
  if (params.size !== 1 || param === undefined) return undefined;
  return membersOf(
    n.items.filter((i) => declaredParameter(i) === undefined),
    param,
  );
}

/** An answer in exactly one free variable, read as a family in it (against a declared one). */
export function implicitFamily(n: Node): Family | undefined {
  const items = n.k === 'list' && n.open === '' ? n.items : [n];
  const vars = new Set<string>();
  for (const i of items) freeSymbols(assignment(i)?.value ?? i, vars);
  const param = [...vars][0];
  return vars.size === 1 && param !== undefined ? membersOf(items, param) : undefined;
}

function membersOf(items: Node[], param: string): Family | undefined {
  const members: Node[] = [];
  for (const item of items) {
    const value = assignment(item)?.value ?? item;
    for (const m of expandPm(value) ?? [value]) {
      const free = freeSymbols(m);
      if (free.size !== 1 || !free.has(param) || degreeBound(m, param) !== 1) return undefined;
      if (m.k === 'list' || m.k === 'rel' || m.k === 'matrix') return undefined;
      members.push(m);
    }
  }
  return members.length > 0 && members.length <= MAX_RESIDUES ? { param, members } : undefined;
}

interface Progression {
  start: Node;
  step: Node;
}

const num = (n: bigint): Node => ({ k: 'num', value: Q.fromInt(n), decimal: false });
const plus = (a: Node, b: Node): Node => ({ k: 'add', terms: [a, b] });
const minus = (a: Node, b: Node): Node => ({ k: 'add', terms: [a, { k: 'neg', arg: b }] });
const times = (k: bigint, a: Node): Node => ({ k: 'mul', factors: [num(k), a] });

function approx(n: Node, ctx: EvalContext): number | undefined {
  const v = numericEval(n, new Map(), decimalAt(50), ctx.budget);
  return v === undefined || !v.im.isZero() ? undefined : v.re.toNumber();
}

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

export function compareFamilies(a: Family, b: Family, ctx: EvalContext): Tri {
  const lines: Progression[] = [];
  for (const [f, m] of [
    ...a.members.map((x) => [a, x] as const),
    ...b.members.map((x) => [b, x] as const),
  ]) {
    const start = substitute(m, f.param, num(0n));
    lines.push({ start, step: minus(substitute(m, f.param, num(1n)), start) });
  }
  // Every step as (p/q)·u for the first step u, checked exactly: |step| = |p|/q·|u|.
  const u = (lines[0] as Progression).step;
  const uValue = approx(u, ctx);
  if (uValue === undefined || uValue === 0) return 'unknown';
  const multiples: Array<[bigint, bigint]> = [];
  for (const line of lines) {
    const r = approx(line.step, ctx);
    if (r === undefined) return 'unknown';
    const m = rationalMultiple(line.step, r / uValue, u, ctx);
    if (m === undefined) return 'unknown';
    multiples.push(m);
  }
  // Common period T = |u|·L/D: D clears the denominators, L is the lcm of the numerators.
  const D = multiples.reduce((acc, [, q]) => (acc / gcd(acc, q)) * q, 1n);
  const sizes = multiples.map(([p, q]) => ((p < 0n ? -p : p) * D) / q);
  const L = sizes.reduce((acc, s) => (acc / gcd(acc, s)) * s, 1n);
  const counts = sizes.map((s) => L / s);
  const split = (from: number, to: number): Node[] | undefined => {
    const out: Node[] = [];
    for (let i = from; i < to; i++) {
      const line = lines[i] as Progression;
      const count = counts[i] as bigint;
      if (BigInt(out.length) + count > BigInt(MAX_RESIDUES)) return undefined;
      for (let j = 0n; j < count; j++) out.push(plus(line.start, times(j, line.step)));
    }
    return out;
  };
  const period: Node = {
    k: 'div',
    num: times(L, { k: 'fn', name: 'abs', args: [u] }),
    den: num(D),
  };
  const ra = split(0, a.members.length);
  const rb = split(a.members.length, lines.length);
  if (ra === undefined || rb === undefined) return 'unknown';
  return sameResidues(ra, rb, period, ctx);
}

/** p/q with q ≤ MAX_DENOMINATOR such that q·step = p·u exactly, near the ratio r. */
function rationalMultiple(
  step: Node,
  r: number,
  u: Node,
  ctx: EvalContext,
): [bigint, bigint] | undefined {
  for (let q = 1; q <= MAX_DENOMINATOR; q++) {
    const p = Math.round(r * q);
    if (p === 0 || Math.abs(r * q - p) > 1e-6 || Math.abs(p) > 10_000) continue;
    const [P, Qd] = [BigInt(p), BigInt(q)];
    if (scalarEqual(times(Qd, step), times(P, u), ctx) === 'equal') return [P, Qd];
    return undefined;
  }
  return undefined;
}

function sameResidues(xs: Node[], ys: Node[], period: Node, ctx: EvalContext): Tri {
  const tValue = approx(period, ctx);
  if (tValue === undefined || tValue <= 0) return 'unknown';
  const approxOf = new Map<Node, number | undefined>();
  const cached = (z: Node): number | undefined => {
    if (!approxOf.has(z)) approxOf.set(z, approx(z, ctx));
    return approxOf.get(z);
  };
  // Equal modulo T: x − y is n·T for the integer n nearest to (x − y)/T.
  const sameMod = (x: Node, y: Node): Tri => {
    const xv = cached(x);
    const yv = cached(y);
    if (xv === undefined || yv === undefined) return 'unknown';
    const n = BigInt(Math.round((xv - yv) / tValue));
    return scalarEqual(x, plus(y, times(n, period)), ctx);
  };
  const dedupe = (zs: Node[]): Node[] | undefined => {
    const kept: Node[] = [];
    for (const z of zs) {
      const seen = kept.map((k) => sameMod(z, k));
      if (seen.includes('unknown')) return undefined;
      if (!seen.includes('equal')) kept.push(z);
    }
    return kept;
  };
  const da = dedupe(xs);
  const db = dedupe(ys);
  if (da === undefined || db === undefined) return 'unknown';
  if (da.length !== db.length) return 'different';
  for (const x of da) {
    const r = db.map((y) => sameMod(x, y));
    if (r.includes('equal')) continue;
    return r.includes('unknown') ? 'unknown' : 'different';
  }
  return 'equal';
}
