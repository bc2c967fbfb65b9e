import type { Node, RelOp } from './ast';
import { intervalSetsEqual, isIntervalNotation, toIntervalSet } from './intervals';
import { relationMatchesSet, relationVariable } from './membership';
import * as Q from './rational';
import { zeroSetsMatch } from './curves';
import { type EvalContext, type Tri, proportional, scalarEqual } from './scalar';
import { assignment, valueChain } from './assign';
import { compareFamilies, familyOf, implicitFamily } from './families';
import { compareRatio, isRatio } from './ratio';
import { compareTextNodes, textAsSet, textProduct } from './text';
import { contains, expandPm, key } from './tree';

/** A comparison outcome with the rule that produced it (for `explainGrade`). */
export interface Outcome {
  tri: Tri;
  reason: string;
}

const out = (tri: Tri, reason: string): Outcome => ({ tri, reason });

const MAX_LIST_ITEMS = 64;

/**
 * Removes notation that does not change the value of a whole answer (a degree sign), reads
 * set words and words with numbers (`March 15`), and distributes a scalar factor into a
 * matrix (`2\begin{pmatrix}1\\2\end{pmatrix}`).
 */
function prep(n: Node): Node {
  if (n.k === 'deg') return prep(n.arg);
  const scaled = scaleMatrix(n);
  if (scaled !== undefined) return scaled;
  const words = textAsSet(n) ?? textProduct(n);
  if (words !== undefined) return words;
  if (n.k === 'list' && n.items.length === 0 && n.open === '{') return { k: 'empty' };
  return n;
}

function scaleMatrix(n: Node): Node | undefined {
  if (n.k === 'neg') {
    const inner = n.arg.k === 'matrix' ? n.arg : scaleMatrix(n.arg);
    if (inner?.k !== 'matrix') return undefined;
    return { k: 'matrix', rows: inner.rows.map((r) => r.map((x): Node => ({ k: 'neg', arg: x }))) };
  }
  if (n.k !== 'mul') return undefined;
  const matrices = n.factors.filter((f) => f.k === 'matrix');
  const m = matrices[0];
  if (matrices.length !== 1 || m?.k !== 'matrix') return undefined;
  const scalars = n.factors.filter((f) => f !== m);
  if (scalars.some((f) => f.k === 'list' || f.k === 'rel' || f.k === 'text')) return undefined;
  return {
    k: 'matrix',
    rows: m.rows.map((r) => r.map((x): Node => ({ k: 'mul', factors: [...scalars, x] }))),
  };
}

/** Where ± occurs in a scalar or an assignment, the list of every sign choice. */
function expandedPm(n: Node): Node | undefined {
  if (n.k === 'list' || n.k === 'matrix' || n.k === 'union') return undefined;
  if (!contains(n, (m) => m.k === 'pm')) return undefined;
  const items = expandPm(n);
  if (items === undefined) return undefined;
  return { k: 'list', open: '', close: '', items, joiner: 'comma' };
}

export function compareAnswers(a0: Node, b0: Node, ctx: EvalContext): Outcome {
  const a = prep(a0);
  const b = prep(b0);
  if (isRatio(a) || isRatio(b)) return out(compareRatio(a, b, ctx), 'compared as ratios');
  const fa = familyOf(a);
  const fb = familyOf(b);
  if (fa !== undefined || fb !== undefined) {
    const x = fa ?? implicitFamily(a);
    const y = fb ?? implicitFamily(b);
    if (x === undefined || y === undefined) {
      return out('different', 'a general solution against something that is not one');
    }
    return out(compareFamilies(x, y, ctx), 'compared as progressions over the integers');
  }
  if (a.k === 'text' || b.k === 'text') {
    const r = compareTextNodes(a, b);
    return out(r.tri, r.reason);
  }

  const asA = assignment(a);
  const asB = assignment(b);
  if (asA !== undefined && asB !== undefined && asA.name === asB.name) {
    return compareAnswers(asA.value, asB.value, ctx);
  }
  if (asA !== undefined && b.k !== 'rel') return compareAnswers(asA.value, b, ctx);
  if (asB !== undefined && a.k !== 'rel') return compareAnswers(a, asB.value, ctx);
  const chainA = b.k === 'rel' ? undefined : valueChain(a);
  if (chainA !== undefined) return compareChain(chainA, b, ctx);
  const chainB = a.k === 'rel' ? undefined : valueChain(b);
  if (chainB !== undefined) return compareChain(chainB, a, ctx);

  const ea = expandedPm(a);
  const eb = expandedPm(b);
  if (ea !== undefined || eb !== undefined) return compareAnswers(ea ?? a, eb ?? b, ctx);

  if (isIntervalNotation(a) || isIntervalNotation(b) || isSetOfReals(a) || isSetOfReals(b)) {
    const sa = toIntervalSet(a, ctx);
    const sb = toIntervalSet(b, ctx);
    if (sa !== undefined && sb !== undefined) {
      return out(intervalSetsEqual(sa, sb, ctx), 'compared as subsets of the real line');
    }
    const va = sa === undefined ? relationVariable(a) : undefined;
    const vb = sb === undefined ? relationVariable(b) : undefined;
    if (va !== undefined && sb !== undefined) {
      return out(relationMatchesSet(a, va, sb, ctx), 'relation tested against a set of reals');
    }
    if (vb !== undefined && sa !== undefined) {
      return out(relationMatchesSet(b, vb, sa, ctx), 'relation tested against a set of reals');
    }
    if (a.k === 'rel' && b.k === 'rel') return compareRelations(a, b, ctx);
    return out('different', 'a set of reals against something that is not one');
  }
  if (a.k === 'rel' || b.k === 'rel') {
    if (a.k === 'rel' && b.k === 'rel') return compareRelations(a, b, ctx);
    return out('different', 'a relation against a value');
  }
  if (a.k === 'matrix' || b.k === 'matrix') return compareMatrices(a, b, ctx);
  if (a.k === 'list' || b.k === 'list') return compareLists(a, b, ctx);
  return compareScalars(a, b, ctx);
}

/** A restated value (`\frac{9}{2} = 4.5`, `3\sqrt2 \approx 4.24`) against a plain answer. */
function compareChain(
  chain: { exact: Node[]; approx: Node[] },
  other: Node,
  ctx: EvalContext,
): Outcome {
  const exact = allEqual(
    chain.exact.map((x) => [x, other]),
    ctx,
    'every exact form of the value',
  );
  if (exact.tri === 'equal' || !isDecimalLiteral(other)) return exact;
  for (const x of chain.approx) {
    if (isDecimalLiteral(x) && scalarEqual(x, other, ctx) === 'equal') {
      return out('equal', 'the rounded value asked for, as written');
    }
  }
  return exact;
}

function isDecimalLiteral(n: Node): boolean {
  return (n.k === 'num' && n.decimal) || (n.k === 'neg' && n.arg.k === 'num' && n.arg.decimal);
}

function isSetOfReals(n: Node): boolean {
  return n.k === 'empty' || n.k === 'reals';
}

/** Equations up to a nonzero factor; one-sided inequalities up to a positive factor. */
function compareRelations(a: Node, b: Node, ctx: EvalContext): Outcome {
  if (a.k !== 'rel' || b.k !== 'rel') return out('different', 'relation against a value');
  if (key(a) === key(b)) return out('equal', 'identical relations');
  if (a.ops.length !== 1 || b.ops.length !== 1) return out('unknown', 'chained relations differ');
  const fa = oriented(a);
  const fb = oriented(b);
  if (fa === undefined || fb === undefined || fa.op !== fb.op) {
    return out('different', 'different kinds of relation');
  }
  const positive = fa.op !== '=' && fa.op !== '≠';
  const scaled = proportional(fa.f, fb.f, positive, ctx);
  if (scaled === 'equal' || fa.op !== '=')
    return out(scaled, 'compared as f = c·g over random points');
  const curves = zeroSetsMatch(fa.f, fb.f, ctx);
  return curves === 'unknown'
    ? out(scaled, 'compared as f = c·g over random points')
    : out(curves, 'compared as curves: points of each lie on the other');
}

/** `lhs op rhs` as `f op 0` with op one of =, ≠, <, ≤. */
function oriented(r: Node & { k: 'rel' }): { f: Node; op: RelOp } | undefined {
  const [lhs, rhs] = r.sides as [Node, Node];
  const op = r.ops[0] as RelOp;
  const minus = (x: Node, y: Node): Node => ({ k: 'add', terms: [x, { k: 'neg', arg: y }] });
  switch (op) {
    case '=':
    case '≈':
      return { f: minus(lhs, rhs), op: '=' };
    case '≠':
    case '<':
    case '≤':
      return { f: minus(lhs, rhs), op };
    case '>':
      return { f: minus(rhs, lhs), op: '<' };
    case '≥':
      return { f: minus(rhs, lhs), op: '≤' };
    default:
      return undefined;
  }
}

function compareMatrices(a: Node, b: Node, ctx: EvalContext): Outcome {
  const ra = matrixRows(a, b);
  const rb = matrixRows(b, a);
  if (ra === undefined || rb === undefined) return out('different', 'matrix against non-matrix');
  if (ra.length !== rb.length || ra.some((row, i) => row.length !== rb[i]?.length)) {
    return out('different', 'matrix shapes differ');
  }
  const fb = rb.flat();
  return allEqual(
    ra.flat().map((x, i) => [x, fb[i] as Node]),
    ctx,
    'compared entry by entry',
  );
}

/**
 * Rows of a matrix. A tuple or angle-bracket vector takes the shape of the vector it is
 * compared with (column or row); against anything else it is a column.
 */
function matrixRows(n: Node, other: Node): Node[][] | undefined {
  if (n.k === 'matrix') return n.rows;
  if (n.k !== 'list' || n.items.length < 2) return undefined;
  if (n.open !== '' && n.open !== '(' && n.open !== '[' && n.open !== '<') return undefined;
  const asRow = other.k === 'matrix' && other.rows.length === 1;
  return asRow ? [n.items] : n.items.map((x) => [x]);
}

function allEqual(pairs: Array<[Node, Node]>, ctx: EvalContext, reason: string): Outcome {
  let unknown = false;
  for (const [x, y] of pairs) {
    const r = compareAnswers(x, y, ctx);
    if (r.tri === 'different') return out('different', `${reason}: ${r.reason}`);
    if (r.tri === 'unknown') unknown = true;
  }
  return out(unknown ? 'unknown' : 'equal', reason);
}

function compareLists(a: Node, b: Node, ctx: EvalContext): Outcome {
  if (a.k !== 'list' || b.k !== 'list') {
    const [list, other] = a.k === 'list' ? [a, b] : [b, a];
    if (list.k === 'list' && list.items.length === 1 && (list.open === '' || list.open === '{')) {
      return compareAnswers(list.items[0] as Node, other, ctx);
    }
    return out('different', 'a list against a single value');
  }
  if (a.items.length > MAX_LIST_ITEMS || b.items.length > MAX_LIST_ITEMS) {
    return out(key(a) === key(b) ? 'equal' : 'unknown', 'list too long: compared as written');
  }
  const setLike = (l: Node & { k: 'list' }): boolean => l.open === '{' || l.open === '';
  if (setLike(a) && setLike(b)) return compareUnordered(a.items, b.items, ctx);
  if (a.open === '{' || b.open === '{')
    return out('different', 'a set against a tuple or interval');
  if (!bracketsCompatible(a, b)) return out('different', 'different brackets');
  if (a.items.length !== b.items.length) return out('different', 'different lengths');
  // `y = 2, x = 1` against the point (1, 2): coordinates go in the order of their names.
  const xs = byName(a.items);
  const ys = byName(b.items);
  return allEqual(
    xs.map((x, i) => [x, ys[i] as Node]),
    ctx,
    'compared in order',
  );
}

function byName(items: Node[]): Node[] {
  const named = items.map((i) => assignment(i));
  if (named.some((n) => n === undefined)) return items;
  const names = named.map((n) => n?.name ?? '');
  if (new Set(names).size !== names.length) return items;
  return [...named]
    .sort((p, q) => ((p?.name ?? '') < (q?.name ?? '') ? -1 : 1))
    .map((n) => n?.value as Node);
}

function bracketsCompatible(a: Node & { k: 'list' }, b: Node & { k: 'list' }): boolean {
  const ta = a.open + a.close;
  const tb = b.open + b.close;
  if (ta === tb || ta === '' || tb === '') return true;
  if (ta === '<>' || tb === '<>') return true;
  // (2, 5) and [2, 5] are different intervals; longer tuples have no interval reading.
  return a.items.length >= 3 && ['()', '[]'].includes(ta) && ['()', '[]'].includes(tb);
}

/** Sets and solution lists: duplicates collapse, order does not matter. */
function compareUnordered(xs: Node[], ys: Node[], ctx: EvalContext): Outcome {
  const da = dedupe(xs, ctx);
  const db = dedupe(ys, ctx);
  if (da.length !== db.length) return out('different', 'sets of different sizes');
  const used = new Array<boolean>(db.length).fill(false);
  let unknown = false;
  for (const x of da) {
    let matched = false;
    for (let j = 0; j < db.length; j++) {
      if (used[j] === true) continue;
      const r = compareAnswers(x, db[j] as Node, ctx);
      if (r.tri === 'equal') {
        used[j] = true;
        matched = true;
        break;
      }
      if (r.tri === 'unknown') unknown = true;
    }
    if (!matched) return out(unknown ? 'unknown' : 'different', 'an element has no match');
  }
  return out('equal', 'compared as sets');
}

function dedupe(items: Node[], ctx: EvalContext): Node[] {
  const outList: Node[] = [];
  for (const x of items) {
    if (!outList.some((y) => compareAnswers(x, y, ctx).tri === 'equal')) outList.push(x);
  }
  return outList;
}

const HUNDRED: Node = { k: 'num', value: Q.fromInt(100), decimal: false };

/** A numeral as written, possibly negated: `25`, `-0.5` (not a fraction or an expression). */
function isPlainNumber(node: Node): boolean {
  return node.k === 'num' || (node.k === 'neg' && node.arg.k === 'num');
}

function compareScalars(a: Node, b: Node, ctx: EvalContext): Outcome {
  if (a.k === 'empty' || b.k === 'empty') {
    return out(a.k === b.k ? 'equal' : 'different', 'empty set');
  }
  if (a.k === 'percent' && b.k === 'percent') {
    return out(scalarEqual(a.arg, b.arg, ctx), 'both percentages');
  }
  if (a.k === 'percent' || b.k === 'percent') {
    // An explicit % means /100. It is also accepted as a mere unit sign, but only against the
    // same plain number written without it (25\% against 25): reading it as a unit against
    // any value would make 0.5\% equal 1/2.
    const [p, other] = a.k === 'percent' ? [a, b] : [b, a];
    if (p.k !== 'percent') return out('unknown', 'unreachable');
    const asFraction = scalarEqual({ k: 'div', num: p.arg, den: HUNDRED }, other, ctx);
    if (asFraction === 'equal') return out('equal', 'percentage as a fraction');
    const asUnit =
      isPlainNumber(p.arg) && isPlainNumber(other) ? scalarEqual(p.arg, other, ctx) : 'different';
    if (asUnit === 'equal') return out('equal', 'percent sign as a unit');
    return out(
      asFraction === 'unknown' || asUnit === 'unknown' ? 'unknown' : 'different',
      'percentage',
    );
  }
  if (a.k === 'based' || b.k === 'based') return compareBased(a, b, ctx);
  if (a.k === 'approx' || b.k === 'approx') {
    return out(key(a) === key(b) ? 'equal' : 'unknown', 'an approximate value with "..."');
  }
  return out(scalarEqual(a, b, ctx), 'compared as numbers/expressions');
}

/** `1011_2` equals 11, and also a bare `1011` (the same digits with the base left out). */
function compareBased(a: Node, b: Node, ctx: EvalContext): Outcome {
  const [x, y] = a.k === 'based' ? [a, b] : [b, a];
  if (x.k !== 'based' || x.value === undefined) return out('unknown', 'invalid base-n numeral');
  if (y.k === 'based') {
    const same = y.value !== undefined && y.value === x.value;
    return out(same ? 'equal' : 'different', 'base-n numerals');
  }
  if (y.k === 'num' && !y.decimal && y.value.d === 1n && y.value.n.toString() === x.digits) {
    return out('equal', 'same digits, base omitted');
  }
  const asNumber: Node = { k: 'num', value: Q.fromInt(x.value), decimal: false };
  return out(scalarEqual(asNumber, y, ctx), 'base-n numeral by value');
}
