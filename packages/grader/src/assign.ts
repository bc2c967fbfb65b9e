import type { Node, RelOp } from './ast';
import { freeSymbols, key } from './tree';

/**
 * Answers that name or restate their value: `x = 5`, `f(x) = 2x + 1`, `\text{Area} = 12`,
 * `\frac{9}{2} = 4.5`, `3\sqrt2 \approx 4.24`.
 */

/**
 * A name that is not an expression: words (`\text{Area}`) and the length of a segment
 * (`|AB|`, `\overline{AB}`: capital points, as geometry writes them).
 */
function labelName(n: Node): string | undefined {
  if (n.k === 'text') return `text:${n.text.trim().toLowerCase()}`;
  if (n.k !== 'fn' || (n.name !== 'abs' && n.name !== 'conj') || n.args.length !== 1) {
    return undefined;
  }
  const arg = n.args[0] as Node;
  const points = arg.k === 'mul' ? arg.factors : [arg];
  const isPoint = (p: Node): boolean => p.k === 'sym' && /^[A-Z]$/.test(p.name);
  return points.length >= 2 && points.every(isPoint) ? `segment:${key(arg)}` : undefined;
}

/**
 * `\frac{9}{2} = 4.5`, `x = 3\sqrt2 \approx 4.24`: a value restated in other forms. Returns
 * the exact forms (the sides before the first ≈, without a leading name), which must all
 * equal the other answer; the approximation after ≈ is commentary and is not compared.
 * The approximations count only against a reference that is itself a decimal
 * (`3\sqrt2 \approx 4.24` against `4.24`, for a question that asks for a rounded value).
 * Undefined unless every side is a constant.
 */
export function valueChain(n: Node): { exact: Node[]; approx: Node[] } | undefined {
  if (n.k !== 'rel' || !n.ops.every((op) => op === '=' || op === '≈')) return undefined;
  let sides = n.sides;
  let ops = n.ops;
  const head = sides[0] as Node;
  if (head.k === 'sym' || labelName(head) !== undefined) {
    if (ops.length < 2) return undefined;
    sides = sides.slice(1);
    ops = ops.slice(1);
  }
  const at = ops.indexOf('≈');
  const exact = at === -1 ? sides : sides.slice(0, at + 1);
  if (exact.length === sides.length && exact.length < 2) return undefined;
  if (!sides.every((s) => freeSymbols(s).size === 0 && s.k !== 'text')) return undefined;
  return { exact, approx: sides.slice(exact.length) };
}

/** `x = 5`, `f(x) = 2x + 1`, `x \in [1, 2]`: a name bound to a value that is the real answer. */
export function assignment(n: Node): { name: string; value: Node } | undefined {
  if (n.k !== 'rel' || n.ops.length !== 1) return undefined;
  const op = n.ops[0] as RelOp;
  if (op !== '=' && op !== '≈' && op !== 'in') return undefined;
  const [lhs, rhs] = n.sides as [Node, Node];
  // (x, y) = (1, 2): the names of a point's coordinates.
  if (lhs.k === 'list' && lhs.items.every((i) => i.k === 'sym') && rhs.k === 'list') {
    return { name: key(lhs), value: rhs };
  }
  if (lhs.k === 'sym') {
    return freeSymbols(rhs).has(lhs.name) ? undefined : { name: lhs.name, value: rhs };
  }
  const label = labelName(lhs);
  if (label !== undefined && rhs.k !== 'text') return { name: label, value: rhs };
  // 5 = x, 2x + 3 = y: the same assignment written the other way round.
  if (rhs.k === 'sym' && op === '=' && !freeSymbols(lhs).has(rhs.name)) {
    return { name: rhs.name, value: lhs };
  }
  // f(x) = …, f^{-1}(x) = …, P(2) = …: a function label, parsed as the product f·x.
  if (lhs.k === 'mul' && lhs.factors.length >= 2 && op === '=') {
    const [head, ...args] = lhs.factors as [Node, ...Node[]];
    const name =
      head.k === 'sym'
        ? head.name
        : head.k === 'pow' && head.base.k === 'sym'
          ? head.base.name
          : undefined;
    const argsOk = args.every((x) => x.k === 'sym' || x.k === 'num' || x.k === 'list');
    if (name !== undefined && /^[a-zA-Z]'?$/.test(name) && argsOk && !freeSymbols(rhs).has(name)) {
      return { name: key(lhs), value: rhs };
    }
  }
  return undefined;
}
