import type { Node } from './ast';
import * as Q from './rational';
import { type EvalContext, type Tri, isZero, scalarEqual, valueAt } from './scalar';
import { key } from './tree';

/**
 * Ratios (`3:4`, `1:2:3`) are equal when their terms are proportional (`6:8` is `3:4`); a
 * ratio of two terms also equals the number it stands for (`3:4` is 3/4). A clock time
 * without a.m./p.m. (`10:15`) reads as a ratio when compared with one.
 */
export function ratioTerms(n: Node): Node[] | undefined {
  if (n.k === 'fn' && n.name === 'ratio') return n.args;
  if (n.k === 'text') {
    const m = /^time:(\d+):(\d+):$/.exec(n.text);
    if (m === null) return undefined;
    const num = (s: string): Node => ({ k: 'num', value: Q.fromInt(BigInt(s)), decimal: false });
    return [num(m[1] as string), num(m[2] as string)];
  }
  return undefined;
}

export function isRatio(n: Node): boolean {
  return n.k === 'fn' && n.name === 'ratio';
}

export function compareRatio(a: Node, b: Node, ctx: EvalContext): Tri {
  if (key(a) === key(b)) return 'equal';
  const ta = ratioTerms(a);
  const tb = ratioTerms(b);
  const scalar = (t: Node): boolean => !['list', 'rel', 'matrix', 'text', 'union'].includes(t.k);
  if (![...(ta ?? []), ...(tb ?? [])].every(scalar)) return 'unknown';
  if (ta !== undefined && tb !== undefined) return proportionalTerms(ta, tb, ctx);
  const [terms, other] = ta !== undefined ? [ta, b] : [tb, a];
  if (terms === undefined || terms.length !== 2 || other.k === 'list' || other.k === 'rel') {
    return 'different';
  }
  return scalarEqual({ k: 'div', num: terms[0] as Node, den: terms[1] as Node }, other, ctx);
}

/** a₁:…:aₙ = b₁:…:bₙ when aᵢ·b₁ = bᵢ·a₁ for every i and the first terms are not zero. */
function proportionalTerms(a: Node[], b: Node[], ctx: EvalContext): Tri {
  if (a.length !== b.length) return 'different';
  const [a0, b0] = [a[0] as Node, b[0] as Node];
  for (const t of [a0, b0]) {
    const v = valueAt(t, new Map(), ctx);
    if (v === undefined || isZero(v, ctx) !== 'different') return 'unknown';
  }
  let result: Tri = 'equal';
  for (let i = 1; i < a.length; i++) {
    const r = scalarEqual(
      { k: 'mul', factors: [a[i] as Node, b0] },
      { k: 'mul', factors: [b[i] as Node, a0] },
      ctx,
    );
    if (r === 'different') return 'different';
    if (r === 'unknown') result = 'unknown';
  }
  return result;
}
