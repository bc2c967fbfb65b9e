import type { Node } from './ast';

/** Children of a node, in a fixed order (used by every generic walk). */
export function children(n: Node): Node[] {
  switch (n.k) {
    case 'add':
      return n.terms;
    case 'mul':
      return n.factors;
    case 'neg':
    case 'fact':
    case 'percent':
    case 'deg':
      return [n.arg];
    case 'div':
      return [n.num, n.den];
    case 'pow':
      return [n.base, n.exp];
    case 'root':
      return [n.arg, n.index];
    case 'fn':
      return n.args;
    case 'binom':
      return [n.n, n.r];
    case 'pm':
      return n.a === undefined ? [n.b] : [n.a, n.b];
    case 'rel':
      return n.sides;
    case 'list':
      return n.items;
    case 'union':
      return n.parts;
    case 'setop':
      return [n.a, n.b];
    case 'matrix':
      return n.rows.flat();
    default:
      return [];
  }
}

/** A structural fingerprint: equal keys mean the same expression as written (after parsing). */
export function key(n: Node): string {
  switch (n.k) {
    case 'num':
      return n.value.d === 1n ? `${n.value.n}` : `${n.value.n}/${n.value.d}`;
    case 'sym':
      return `$${n.name}`;
    case 'const':
      return `#${n.name}`;
    case 'text':
      return `"${n.text}"`;
    case 'approx':
      return `~${n.text}`;
    case 'based':
      return `${n.digits}_${n.base}`;
    case 'rel':
      return `rel(${n.ops.join(',')};${n.sides.map(key).join(';')})`;
    case 'list':
      return `${n.open}${n.items.map(key).join(',')}${n.close}`;
    case 'fn':
      return `${n.name}(${n.args.map(key).join(',')})`;
    case 'matrix':
      return `mat(${n.rows.map((r) => r.map(key).join('&')).join('\\\\')})`;
    case 'pm':
      return `pm${n.minusFirst ? '-' : '+'}(${n.a === undefined ? '' : key(n.a)};${key(n.b)})`;
    default:
      return `${n.k}(${children(n).map(key).join(',')})`;
  }
}

export function freeSymbols(n: Node, out: Set<string> = new Set()): Set<string> {
  if (n.k === 'sym') out.add(n.name);
  for (const c of children(n)) freeSymbols(c, out);
  return out;
}

export function contains(n: Node, pred: (m: Node) => boolean): boolean {
  if (pred(n)) return true;
  return children(n).some((c) => contains(c, pred));
}

export function size(n: Node): number {
  let s = 1;
  for (const c of children(n)) s += size(c);
  return s;
}

const MAX_PM_EXPANSIONS = 16;

/**
 * Expands every `±` into its two signs: `1 ± √2` becomes [1 + √2, 1 − √2]. Returns undefined
 * when there is no ± (or too many to expand), so callers keep the node as it is.
 */
export function expandPm(n: Node): Node[] | undefined {
  if (!contains(n, (m) => m.k === 'pm')) return undefined;
  let out: Node[] = [n];
  for (let guard = 0; guard < 4; guard++) {
    const next: Node[] = [];
    let changed = false;
    for (const m of out) {
      const pair = splitFirstPm(m);
      if (pair === undefined) next.push(m);
      else {
        changed = true;
        next.push(...pair);
      }
    }
    out = next;
    if (!changed) return out;
    if (out.length > MAX_PM_EXPANSIONS) return undefined;
  }
  return out.some((m) => contains(m, (x) => x.k === 'pm')) ? undefined : out;
}

/** Rewrites the first ± found (pre-order) both ways. */
function splitFirstPm(n: Node): [Node, Node] | undefined {
  if (n.k === 'pm') {
    const plus = (b: Node): Node => (n.a === undefined ? b : { k: 'add', terms: [n.a, b] });
    const minus: Node = { k: 'neg', arg: n.b };
    const p = plus(n.b);
    const m = plus(minus);
    return n.minusFirst ? [m, p] : [p, m];
  }
  const kids = children(n);
  for (let i = 0; i < kids.length; i++) {
    const split = splitFirstPm(kids[i] as Node);
    if (split === undefined) continue;
    return [replaceChild(n, i, split[0]), replaceChild(n, i, split[1])];
  }
  return undefined;
}

function replaceChild(n: Node, index: number, child: Node): Node {
  const swap = <T>(arr: T[]): T[] => arr.map((x, i) => (i === index ? (child as T) : x));
  switch (n.k) {
    case 'add':
      return { ...n, terms: swap(n.terms) };
    case 'mul':
      return { ...n, factors: swap(n.factors) };
    case 'neg':
    case 'fact':
    case 'percent':
    case 'deg':
      return { ...n, arg: child };
    case 'div':
      return index === 0 ? { ...n, num: child } : { ...n, den: child };
    case 'pow':
      return index === 0 ? { ...n, base: child } : { ...n, exp: child };
    case 'root':
      return index === 0 ? { ...n, arg: child } : { ...n, index: child };
    case 'fn':
      return { ...n, args: swap(n.args) };
    case 'binom':
      return index === 0 ? { ...n, n: child } : { ...n, r: child };
    case 'rel':
      return { ...n, sides: swap(n.sides) };
    case 'list':
      return { ...n, items: swap(n.items) };
    case 'union':
      return { ...n, parts: swap(n.parts) };
    case 'setop':
      return index === 0 ? { ...n, a: child } : { ...n, b: child };
    default:
      return n;
  }
}

/** The node with every occurrence of the symbol `v` replaced by `x`. */
export function substitute(n: Node, v: string, x: Node): Node {
  if (n.k === 'sym') return n.name === v ? x : n;
  const kids = children(n);
  if (kids.length === 0) return n;
  const mapped = kids.map((c) => substitute(c, v, x));
  switch (n.k) {
    case 'add':
      return { ...n, terms: mapped };
    case 'mul':
      return { ...n, factors: mapped };
    case 'neg':
    case 'fact':
    case 'percent':
    case 'deg':
      return { ...n, arg: mapped[0] as Node };
    case 'div':
      return { ...n, num: mapped[0] as Node, den: mapped[1] as Node };
    case 'pow':
      return { ...n, base: mapped[0] as Node, exp: mapped[1] as Node };
    case 'root':
      return { ...n, arg: mapped[0] as Node, index: mapped[1] as Node };
    case 'fn':
      return { ...n, args: mapped };
    case 'binom':
      return { ...n, n: mapped[0] as Node, r: mapped[1] as Node };
    default:
      return n;
  }
}
