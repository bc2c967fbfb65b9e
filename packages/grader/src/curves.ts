import type { Node } from './ast';
import * as Q from './rational';
import type { Rational } from './rational';
import {
  type EvalContext,
  type Tri,
  isZero,
  samplePoints,
  symbolsOf,
  valDiv,
  valEq,
  valueAt,
} from './scalar';

/**
 * Equations that are not constant multiples of each other can still describe the same curve:
 * `y = 1/x` and `xy = 1`. When each of f and g is linear in one of its variables, points of
 * f = 0 are computed exactly (solving for that variable at random values of the others) and
 * checked on g = 0, and the other way round.
 */
export function zeroSetsMatch(f: Node, g: Node, ctx: EvalContext): Tri {
  if (symbolsOf(f, g).length < 2) return 'unknown';
  const forward = pointsOfOneLieOnOther(f, g, ctx);
  if (forward === 'different') return 'different';
  const backward = pointsOfOneLieOnOther(g, f, ctx);
  if (backward === 'different') return 'different';
  return forward === 'equal' && backward === 'equal' ? 'equal' : 'unknown';
}

function pointsOfOneLieOnOther(f: Node, g: Node, ctx: EvalContext): Tri {
  const all = symbolsOf(f, g);
  for (const v of symbolsOf(f)) {
    const others = all.filter((s) => s !== v);
    const points = samplePoints(others, ctx.points);
    let checked = 0;
    let linear = true;
    for (const env of points) {
      const root = solveLinearAt(f, v, env, ctx);
      if (root === 'nonlinear') {
        linear = false;
        break;
      }
      if (root === undefined) continue;
      const at = new Map<string, Rational>(env);
      at.set(v, root);
      const gv = valueAt(g, at, ctx);
      if (gv === undefined) continue;
      const z = isZero(gv, ctx);
      if (z === 'unknown') return 'unknown';
      if (z === 'different') return 'different';
      checked++;
    }
    if (linear && checked >= 3) return 'equal';
  }
  return 'unknown';
}

/** The exact root in `v` of f (other variables fixed), if f is linear in v there. */
function solveLinearAt(
  f: Node,
  v: string,
  env: Map<string, Rational>,
  ctx: EvalContext,
): Rational | 'nonlinear' | undefined {
  // Base points 1/8, 9/8, 25/8: away from the poles that 0 and 1 often are.
  const base = Q.rat(1n, 8n) as Rational;
  const at = (k: bigint) => {
    const e = new Map(env);
    e.set(v, Q.add(base, Q.fromInt(k)) as Rational);
    return valueAt(f, e, ctx);
  };
  const f0 = at(0n);
  const f1 = at(1n);
  const f3 = at(3n);
  if (f0 === undefined || f1 === undefined || f3 === undefined) return undefined;
  if (!('exact' in f0 && 'exact' in f1 && 'exact' in f3)) return 'nonlinear';
  const slope = Q.sub(f1.exact, f0.exact);
  const slope3 = Q.sub(f3.exact, f0.exact);
  if (slope === undefined || slope3 === undefined) return undefined;
  const triple = Q.mul(slope, Q.fromInt(3));
  if (triple === undefined || !Q.eq(triple, slope3)) return 'nonlinear';
  if (slope.n === 0n) return undefined;
  const step = valDiv({ exact: Q.neg(f0.exact) }, { exact: slope }, ctx);
  if (step === undefined || !('exact' in step)) return undefined;
  const root = { exact: Q.add(base, step.exact) };
  if (root.exact === undefined) return undefined;
  // A fourth point guards against a function that is linear only at 0, 1 and 3.
  const check = valueAt(f, new Map([...env, [v, root.exact]]), ctx);
  if (check === undefined) return undefined;
  return valEq(check, { exact: Q.ZERO }, ctx) === 'equal' ? root.exact : 'nonlinear';
}
