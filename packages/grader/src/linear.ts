import type { Node, RelOp } from './ast';
import { exactEval } from './exact';
import * as Q from './rational';
import type { Rational } from './rational';
import type { EvalContext } from './scalar';
import { freeSymbols } from './tree';

/** Degrees above this are not worth interpolating: such a relation goes to membership testing. */
const MAX_DEGREE = 8;

/**
 * An upper bound on the degree of `n` as a polynomial in `v`, read from its syntax, or
 * undefined when `n` is not visibly a polynomial in `v` (v inside |·|, a root, a function, a
 * denominator or an exponent). Only with such a bound does agreement with a line at finitely
 * many points prove linearity: `|x| − 3` agrees with `x − 3` at every positive point.
 */
export function degreeBound(n: Node, v: string): number | undefined {
  if (!freeSymbols(n).has(v)) return 0;
  switch (n.k) {
    case 'sym':
      return 1;
    case 'neg':
      return degreeBound(n.arg, v);
    case 'add':
    case 'mul': {
      let total = 0;
      for (const c of n.k === 'add' ? n.terms : n.factors) {
        const d = degreeBound(c, v);
        if (d === undefined) return undefined;
        total = n.k === 'add' ? Math.max(total, d) : total + d;
      }
      return total <= MAX_DEGREE ? total : undefined;
    }
    case 'div':
      return freeSymbols(n.den).has(v) ? undefined : degreeBound(n.num, v);
    case 'pow': {
      const e = n.exp;
      if (e.k !== 'num' || e.value.d !== 1n || e.value.n < 0n || e.value.n > BigInt(MAX_DEGREE)) {
        return undefined;
      }
      const d = degreeBound(n.base, v);
      const total = d === undefined ? undefined : d * Number(e.value.n);
      return total !== undefined && total <= MAX_DEGREE ? total : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether `f op 0` holds for a value of f with this sign. */
export function holds(op: RelOp, sign: -1 | 0 | 1): boolean {
  switch (op) {
    case '<':
      return sign < 0;
    case '≤':
      return sign <= 0;
    case '>':
      return sign > 0;
    case '≥':
      return sign >= 0;
    case '=':
      return sign === 0;
    default:
      return sign !== 0;
  }
}

const FLIP: Partial<Record<RelOp, RelOp>> = { '<': '>', '>': '<', '≤': '≥', '≥': '≤' };

export function flipRelation(op: RelOp): RelOp {
  return FLIP[op] ?? op;
}

/**
 * Reads `lhs op rhs` as `v op' c`. Either side may be `v` itself; otherwise lhs − rhs must be a
 * polynomial in v of bounded degree d (see `degreeBound`) with rational values at d + 1 points
 * that lie on one line, which proves it linear. When that line is flat (`x − 1 > x`, a half
 * of `|x| < |x − 1|`), the relation holds for every x or for none: `always` says which.
 */
export function solveLinear(
  lhs: Node,
  op: RelOp,
  rhs: Node,
  v: string,
  ctx: EvalContext,
): { op: RelOp; at: Node } | { always: boolean } | undefined {
  if (op !== '<' && op !== '>' && op !== '≤' && op !== '≥' && op !== '≠') return undefined;
  if (lhs.k === 'sym' && lhs.name === v && freeSymbols(rhs).size === 0) return { op, at: rhs };
  if (rhs.k === 'sym' && rhs.name === v && freeSymbols(lhs).size === 0) {
    return { op: flipRelation(op), at: lhs };
  }
  const f: Node = { k: 'add', terms: [lhs, { k: 'neg', arg: rhs }] };
  const degree = degreeBound(f, v);
  if (degree === undefined) return undefined;
  const at = (x: number): Rational | undefined => {
    const r = exactEval(f, new Map([[v, Q.fromInt(x)]]), ctx.budget);
    return r.ok ? r.v : undefined;
  };
  const f0 = at(0);
  const f1 = at(1);
  if (f0 === undefined || f1 === undefined) return undefined;
  const slope = Q.sub(f1, f0);
  if (slope === undefined) return undefined;
  for (let x = 2; x <= Math.max(degree, 1); x++) {
    const fx = at(x);
    const expected = Q.add(f0, Q.mul(slope, Q.fromInt(x)) ?? Q.ZERO);
    if (fx === undefined || expected === undefined || !Q.eq(fx, expected)) return undefined;
  }
  if (slope.n === 0n) return { always: holds(op, f0.n < 0n ? -1 : f0.n > 0n ? 1 : 0) };
  const root = Q.div(Q.neg(f0), slope);
  if (root === undefined) return undefined;
  const dir = slope.n > 0n ? op : flipRelation(op);
  return { op: dir, at: { k: 'num', value: root, decimal: false } };
}
