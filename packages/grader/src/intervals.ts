import type Decimal from 'decimal.js';
import type { Node, RelOp } from './ast';
import { decimalAt } from './complex';
import { flipRelation, solveLinear } from './linear';
import { numericEval } from './numeric';
import { type EvalContext, type Tri, scalarEqual } from './scalar';
import { freeSymbols } from './tree';

/**
 * Subsets of the real line as unions of intervals, so that `x > 3`, `(3, \infty)` and
 * `3 < x` meet in one representation, and unions compare in any order.
 */
export interface Endpoint {
  /** −1 for −∞, +1 for +∞, 0 for a finite endpoint given by `node`. */
  inf: -1 | 0 | 1;
  node: Node | undefined;
  closed: boolean;
  /** A 50-digit approximation that orders endpoints; equality is re-checked exactly at the end. */
  approx: Decimal | undefined;
}

export interface Interval {
  lo: Endpoint;
  hi: Endpoint;
}

export type IntervalSet = Interval[];

/**
 * A comma list of relations mixes pieces and conditions: in `x < -1, x > 1` the commas mean
 * "or", but in `x > 0, x \ne 1` or `x \in \mathbb{R}, x \ne 2` the `≠` relations and the
 * `\in \mathbb{R}` qualifier restrict the rest (a union with them would be almost the whole
 * line, which nobody writes that way). So `≠` relations and qualifiers are intersected with
 * the union of the other items. Lists joined by an explicit "or"/"and" are read as written.
 */
export function splitConditions(n: Node & { k: 'list' }): { pieces: Node[]; conditions: Node[] } {
  if (n.joiner !== 'comma') return { pieces: n.items, conditions: [] };
  const isCondition = (m: Node): boolean =>
    m.k === 'rel' &&
    (m.ops.every((op) => op === '≠') ||
      (m.ops.length === 1 && m.ops[0] === 'in' && m.sides[1]?.k === 'reals'));
  return {
    pieces: n.items.filter((m) => !isCondition(m)),
    conditions: n.items.filter(isCondition),
  };
}

const NEG_INF: Endpoint = { inf: -1, node: undefined, closed: false, approx: undefined };
const POS_INF: Endpoint = { inf: 1, node: undefined, closed: false, approx: undefined };

function infinitySign(n: Node): -1 | 0 | 1 {
  if (n.k === 'const' && n.name === 'inf') return 1;
  if (n.k === 'neg' && n.arg.k === 'const' && n.arg.name === 'inf') return -1;
  return 0;
}

function endpoint(n: Node, closed: boolean, ctx: EvalContext): Endpoint | undefined {
  const s = infinitySign(n);
  if (s === -1) return NEG_INF;
  if (s === 1) return POS_INF;
  if (freeSymbols(n).size > 0) return undefined;
  const v = numericEval(n, new Map(), decimalAt(50), ctx.budget);
  if (v === undefined || !v.im.isZero()) return undefined;
  return { inf: 0, node: n, closed, approx: v.re };
}

function point(n: Node, ctx: EvalContext): Interval | undefined {
  const e = endpoint(n, true, ctx);
  return e === undefined || e.inf !== 0 ? undefined : { lo: e, hi: e };
}

/** True when the node can only be read as a set of reals (never as a tuple or a number). */
export function isIntervalNotation(n: Node): boolean {
  switch (n.k) {
    case 'union':
    case 'setop':
    case 'reals':
      return true;
    case 'rel':
      return n.ops.every((op) => op !== '=' && op !== '≈' && op !== 'in');
    case 'list':
      if (n.open === '') {
        return n.joiner === 'comma'
          ? n.items.length > 0 && n.items.every(isIntervalNotation)
          : n.items.some(isIntervalNotation);
      }
      if (n.items.length !== 2) return false;
      if (n.open === '(' && n.close === ']') return true;
      if (n.open === '[' && n.close === ')') return true;
      return n.open !== '{' && n.open !== '<' && n.items.some((i) => infinitySign(i) !== 0);
    default:
      return false;
  }
}

export function toIntervalSet(n: Node, ctx: EvalContext): IntervalSet | undefined {
  const raw = rawIntervalSet(n, ctx);
  return raw === undefined ? undefined : normalizeSet(raw);
}

function rawIntervalSet(n: Node, ctx: EvalContext): IntervalSet | undefined {
  switch (n.k) {
    case 'setop': {
      const a = toIntervalSet(n.a, ctx);
      const b = toIntervalSet(n.b, ctx);
      if (a === undefined || b === undefined) return undefined;
      return n.op === 'cap' ? intersect(a, b) : intersect(a, complement(b));
    }
    case 'reals':
      return [{ lo: NEG_INF, hi: POS_INF }];
    case 'empty':
      return [];
    case 'union': {
      const out: IntervalSet = [];
      for (const p of n.parts) {
        const s = toIntervalSet(p, ctx);
        if (s === undefined) return undefined;
        out.push(...s);
      }
      return out;
    }
    case 'list': {
      if (n.open === '{') {
        const pts: Interval[] = [];
        for (const item of n.items) {
          const p = point(item, ctx);
          if (p === undefined) return undefined;
          pts.push(p);
        }
        return pts;
      }
      if (n.open === '') {
        // "x < -1 or x > 1" is a union; "x > -1 and x < 1" (set-builder) an intersection.
        const { pieces, conditions } = splitConditions(n);
        let acc: IntervalSet | undefined;
        for (const item of pieces) {
          const s = toIntervalSet(item, ctx);
          if (s === undefined) return undefined;
          acc = acc === undefined ? s : n.joiner === 'and' ? intersect(acc, s) : [...acc, ...s];
        }
        for (const item of conditions) {
          const s = toIntervalSet(item, ctx);
          if (s === undefined) return undefined;
          acc = acc === undefined ? s : intersect(acc, s);
        }
        return acc ?? [];
      }
      if ((n.open !== '(' && n.open !== '[') || n.items.length !== 2) return undefined;
      const [a, b] = n.items as [Node, Node];
      const lo = endpoint(a, n.open === '[', ctx);
      const hi = endpoint(b, n.close === ']', ctx);
      if (lo === undefined || hi === undefined || lo.inf === 1 || hi.inf === -1) return undefined;
      if (position(lo, hi) > 0) return undefined;
      return [{ lo, hi }];
    }
    case 'rel':
      return relationToSet(n.ops, n.sides, ctx);
    default:
      return undefined;
  }
}

function relationToSet(ops: RelOp[], sides: Node[], ctx: EvalContext): IntervalSet | undefined {
  const vars = new Set<string>();
  for (const s of sides) freeSymbols(s, vars);
  if (vars.size !== 1) return undefined;
  const v = [...vars][0] as string;
  if (ops.length === 1 && ops[0] === 'in') {
    const [lhs, rhs] = sides as [Node, Node];
    return lhs.k === 'sym' && lhs.name === v ? toIntervalSet(rhs, ctx) : undefined;
  }
  if (ops.length === 1) {
    const [lhs, rhs] = sides as [Node, Node];
    const op = ops[0] as RelOp;
    const split = splitAbs(lhs, op, rhs, ctx) ?? splitAbs(rhs, flipRelation(op), lhs, ctx);
    if (split !== undefined) return split;
    const bound = solveLinear(lhs, op, rhs, v, ctx);
    if (bound === undefined) return undefined;
    if ('always' in bound) return bound.always ? [{ lo: NEG_INF, hi: POS_INF }] : [];
    return boundToSet(bound.op, bound.at, ctx);
  }
  if (ops.length === 2) {
    const [a, x, b] = sides as [Node, Node, Node];
    const [op1, op2] = ops as [RelOp, RelOp];
    const up = (op: RelOp): boolean => op === '<' || op === '≤';
    const down = (op: RelOp): boolean => op === '>' || op === '≥';
    if (!(up(op1) && up(op2)) && !(down(op1) && down(op2))) return undefined;
    if (x.k !== 'sym' || x.name !== v) {
      // `-1 < 2x + 1 \le 3`, `1 < |x| < 3`: both halves of the chain hold.
      const left = relationToSet([op1], [a, x], ctx);
      const right = relationToSet([op2], [x, b], ctx);
      return left === undefined || right === undefined ? undefined : intersect(left, right);
    }
    if (up(op1)) return span(a, op1 === '≤', b, op2 === '≤', ctx);
    return span(b, op2 === '≥', a, op1 === '≥', ctx);
  }
  return undefined;
}

/**
 * `|A| op B` without the absolute value: |A| = max(A, −A), so `|A| < B` holds exactly when
 * both `A < B` and `−A < B` do, and `|A| > B` when either does (for any B, even one that is
 * negative or depends on the variable). Each half is solved on its own, so `|x + 1| \ge 3`
 * becomes (−∞, −4] ∪ [2, ∞) exactly instead of being mistaken for the linear x + 1 ≥ 3.
 */
function splitAbs(
  absSide: Node,
  op: RelOp,
  other: Node,
  ctx: EvalContext,
): IntervalSet | undefined {
  if (absSide.k !== 'fn' || absSide.name !== 'abs' || absSide.args.length !== 1) return undefined;
  if (op === '=' || op === '≠' || op === 'in' || op === '≈') return undefined;
  const inner = absSide.args[0] as Node;
  const plus = relationToSet([op], [inner, other], ctx);
  const minus = relationToSet([op], [{ k: 'neg', arg: inner }, other], ctx);
  if (plus === undefined || minus === undefined) return undefined;
  return op === '<' || op === '≤' ? intersect(plus, minus) : normalizeSet([...plus, ...minus]);
}

function span(
  lo: Node,
  loClosed: boolean,
  hi: Node,
  hiClosed: boolean,
  ctx: EvalContext,
): IntervalSet | undefined {
  const l = endpoint(lo, loClosed, ctx);
  const h = endpoint(hi, hiClosed, ctx);
  if (l === undefined || h === undefined || position(l, h) > 0) return undefined;
  return [{ lo: l.inf === 0 ? l : NEG_INF, hi: h.inf === 0 ? h : POS_INF }];
}

function boundToSet(op: RelOp, at: Node, ctx: EvalContext): IntervalSet | undefined {
  const e = endpoint(at, op === '≤' || op === '≥', ctx);
  if (e === undefined || e.inf !== 0) return undefined;
  switch (op) {
    case '<':
    case '≤':
      return [{ lo: NEG_INF, hi: e }];
    case '>':
    case '≥':
      return [{ lo: e, hi: POS_INF }];
    case '≠':
      return [
        { lo: NEG_INF, hi: { ...e, closed: false } },
        { lo: { ...e, closed: false }, hi: POS_INF },
      ];
    default:
      return undefined;
  }
}

/** Order of two endpoints on the line, ignoring whether they are closed. */
function position(a: Endpoint, b: Endpoint): number {
  if (a.inf !== 0 || b.inf !== 0) return a.inf - b.inf;
  return (a.approx as Decimal).comparedTo(b.approx as Decimal);
}

function isEmpty(i: Interval): boolean {
  const p = position(i.lo, i.hi);
  return p > 0 || (p === 0 && !(i.lo.closed && i.hi.closed));
}

/** Drops empty pieces, sorts, and merges overlapping or touching intervals. */
function normalizeSet(set: IntervalSet): IntervalSet {
  const sorted = set
    .filter((i) => !isEmpty(i))
    .sort((x, y) => position(x.lo, y.lo) || Number(y.lo.closed) - Number(x.lo.closed));
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined) {
      const p = position(i.lo, last.hi);
      if (p < 0 || (p === 0 && (i.lo.closed || last.hi.closed))) {
        const q = position(i.hi, last.hi);
        if (q > 0 || (q === 0 && i.hi.closed)) last.hi = i.hi;
        continue;
      }
    }
    merged.push({ lo: i.lo, hi: i.hi });
  }
  return merged;
}

function intersect(a: IntervalSet, b: IntervalSet): IntervalSet {
  const out: IntervalSet = [];
  for (const x of a) {
    for (const y of b) {
      const pl = position(x.lo, y.lo);
      const lo = pl > 0 ? x.lo : pl < 0 ? y.lo : x.lo.closed ? y.lo : x.lo;
      const ph = position(x.hi, y.hi);
      const hi = ph < 0 ? x.hi : ph > 0 ? y.hi : x.hi.closed ? y.hi : x.hi;
      const i = { lo, hi };
      if (!isEmpty(i)) out.push(i);
    }
  }
  return normalizeSet(out);
}

function complement(set: IntervalSet): IntervalSet {
  const out: IntervalSet = [];
  let from: Endpoint = NEG_INF;
  for (const i of normalizeSet(set)) {
    if (i.lo.inf !== -1) out.push({ lo: from, hi: { ...i.lo, closed: !i.lo.closed } });
    from = i.hi.inf === 1 ? POS_INF : { ...i.hi, closed: !i.hi.closed };
  }
  if (from.inf !== 1) out.push({ lo: from, hi: POS_INF });
  return normalizeSet(out);
}

/** Both sets are normalised: compare piece by piece, finite endpoints exactly. */
export function intervalSetsEqual(a: IntervalSet, b: IntervalSet, ctx: EvalContext): Tri {
  if (a.length !== b.length) return 'different';
  let result: Tri = 'equal';
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Interval;
    const y = b[i] as Interval;
    for (const [p, q] of [
      [x.lo, y.lo],
      [x.hi, y.hi],
    ] as Array<[Endpoint, Endpoint]>) {
      if (p.inf !== q.inf) return 'different';
      if (p.inf !== 0) continue;
      if (p.closed !== q.closed) return 'different';
      const r = scalarEqual(p.node as Node, q.node as Node, ctx);
      if (r === 'different') return 'different';
      if (r === 'unknown') result = 'unknown';
    }
  }
  return result;
}
