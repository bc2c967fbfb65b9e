import type Decimal from 'decimal.js';
import type { Node, RelOp } from './ast';
import { decimalAt } from './complex';
import { type Endpoint, type Interval, type IntervalSet, splitConditions } from './intervals';
import { holds } from './linear';
import * as Q from './rational';
import { type EvalContext, type Tri, isNonReal, signOf, valueAt } from './scalar';
import { freeSymbols, substitute } from './tree';

/**
 * A one-variable relation that is not linear (`x^2 < 4`, `|x - 1| \le 3`) against a set of reals
 * (`(-2, 2)`): compared by testing membership at every endpoint of the set, just inside and
 * just outside each endpoint, between endpoints, far out, and on a grid. Bounded work; it cannot
 * miss a difference at an endpoint of the set, though a boundary of the relation that falls
 * strictly between test points far from the set's endpoints can go unseen.
 */
export function relationVariable(n: Node): string | undefined {
  // Only inequalities: the solutions of an equation (`2x + 1 = 0`) or the points excluded by
  // `≠` are isolated points that a grid of test points never meets.
  const isRelation = (m: Node): boolean =>
    (m.k === 'rel' && m.ops.every((op) => op !== 'in' && op !== '≈' && op !== '=' && op !== '≠')) ||
    (m.k === 'list' && m.open === '' && m.items.every(isRelation));
  if (!isRelation(n)) return undefined;
  const vars = freeSymbols(n);
  return vars.size === 1 ? [...vars][0] : undefined;
}

const DELTA: Node = { k: 'num', value: Q.rat(1n, 10n ** 25n) as Q.Rational, decimal: false };

interface TestPoint {
  at: Node;
  inside: boolean;
}

export function relationMatchesSet(rel: Node, v: string, set: IntervalSet, ctx: EvalContext): Tri {
  const points = testPoints(set);
  let unknown = false;
  for (const p of points) {
    const truth = truthAt(rel, v, p.at, ctx);
    if (truth === undefined) unknown = true;
    else if (truth !== p.inside) return 'different';
  }
  return unknown ? 'unknown' : 'equal';
}

function testPoints(set: IntervalSet): TestPoint[] {
  const out: TestPoint[] = [];
  const finite: Array<{ e: Endpoint; side: 'lo' | 'hi'; degenerate: boolean }> = [];
  for (const i of set) {
    const degenerate =
      i.lo.inf === 0 && i.hi.inf === 0 && i.lo.approx?.eq(i.hi.approx as Decimal) === true;
    if (i.lo.inf === 0) finite.push({ e: i.lo, side: 'lo', degenerate });
    if (i.hi.inf === 0 && !degenerate) finite.push({ e: i.hi, side: 'hi', degenerate });
  }
  const add = (a: Node, b: Node): Node => ({ k: 'add', terms: [a, b] });
  for (const { e, side, degenerate } of finite) {
    const node = e.node as Node;
    out.push({ at: node, inside: e.closed });
    // The set's intervals are disjoint and never touch, so just past an endpoint is outside.
    out.push({ at: add(node, { k: 'neg', arg: DELTA }), inside: side === 'hi' && !degenerate });
    out.push({ at: add(node, DELTA), inside: side === 'lo' && !degenerate });
  }
  const D = decimalAt(50);
  const marks = finite.map((f) => f.e.approx as Decimal).sort((a, b) => a.comparedTo(b));
  const probes: Decimal[] = [];
  for (let i = 0; i + 1 < marks.length; i++) {
    probes.push((marks[i] as Decimal).plus(marks[i + 1] as Decimal).div(2));
  }
  const lo = marks[0] ?? new D(0);
  const hi = marks[marks.length - 1] ?? new D(0);
  for (const far of [1, 7, 1000, 1e6]) probes.push(lo.minus(far), hi.plus(far));
  for (let k = -40; k <= 40; k++) probes.push(new D(k).div(2).plus('0.0137'));
  for (const x of probes) {
    if (marks.some((m) => m.minus(x).abs().lt(1e-9))) continue;
    const value = Q.fromDecimalString(x.abs().toFixed(30));
    if (value === undefined) continue;
    const at: Node = { k: 'num', value: x.isNeg() ? Q.neg(value) : value, decimal: false };
    out.push({ at, inside: set.some((i) => strictlyInside(i, x)) });
  }
  return out;
}

function strictlyInside(i: Interval, x: Decimal): boolean {
  const above = i.lo.inf === -1 || (i.lo.inf === 0 && x.gt(i.lo.approx as Decimal));
  const below = i.hi.inf === 1 || (i.hi.inf === 0 && x.lt(i.hi.approx as Decimal));
  return above && below;
}

function truthAt(n: Node, v: string, x: Node, ctx: EvalContext): boolean | undefined {
  if (n.k === 'list') {
    const { pieces, conditions } = splitConditions(n);
    const parts = pieces.map((item) => truthAt(item, v, x, ctx));
    const conds = conditions.map((item) => truthAt(item, v, x, ctx));
    if ([...parts, ...conds].some((p) => p === undefined)) return undefined;
    const joined =
      parts.length === 0 || (n.joiner === 'and' ? parts.every(Boolean) : parts.some(Boolean));
    return joined && conds.every(Boolean);
  }
  if (n.k !== 'rel') return undefined;
  for (let i = 0; i < n.ops.length; i++) {
    const diff: Node = {
      k: 'add',
      terms: [
        substitute(n.sides[i] as Node, v, x),
        { k: 'neg', arg: substitute(n.sides[i + 1] as Node, v, x) },
      ],
    };
    const val = valueAt(diff, new Map(), ctx);
    // Outside the domain (no value, or not a real number) the relation does not hold.
    if (val === undefined || isNonReal(val, ctx)) return false;
    const sign = signOf(val, ctx);
    if (sign === undefined) return undefined;
    if (!holds(n.ops[i] as RelOp, sign)) return false;
  }
  return true;
}
