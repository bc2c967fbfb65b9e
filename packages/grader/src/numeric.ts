import type Decimal from 'decimal.js';
import type { Node } from './ast';
import type { Budget } from './budget';
import * as C from './complex';
import type { Cx, Dec } from './complex';
import * as Q from './rational';
import type { Rational } from './rational';

/**
 * High-precision complex evaluation, used when an expression has no exact rational value
 * (π, roots, logs, trig). `undefined` means "no value here" (pole, overflow, unsupported).
 */
export function numericEval(
  n: Node,
  env: ReadonlyMap<string, Rational>,
  D: Dec,
  budget: Budget,
  realOnly = false,
): Cx | undefined {
  return new Evaluator(env, D, budget, realOnly).eval(n);
}

const TRIG = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'cis']);

class Evaluator {
  private readonly heavy: number;
  private readonly root: number;

  constructor(
    private readonly env: ReadonlyMap<string, Rational>,
    private readonly D: Dec,
    private readonly budget: Budget,
    /**
     * Every subexpression must stay real: the point must lie in the real domain of the whole
     * expression (`\sqrt{x}` at x < 0 has no value then, instead of an imaginary one).
     */
    private readonly realOnly = false,
  ) {
    // Transcendental functions cost roughly quadratically in the precision (~0.5 ms at 60
    // digits in decimal.js, 100 units); square roots about a quarter of that.
    this.heavy = Math.ceil((D.precision * D.precision) / 36);
    this.root = Math.ceil((D.precision * D.precision) / 150);
  }

  private rational(r: Rational): Cx {
    const D = this.D;
    return { re: new D(r.n).div(new D(r.d)), im: new D(0) };
  }

  eval(n: Node): Cx | undefined {
    const v = this.evalNode(n);
    return this.realOnly && v !== undefined && !v.im.isZero() ? undefined : v;
  }

  private evalNode(n: Node): Cx | undefined {
    this.budget.charge(Math.ceil(this.D.precision / 60));
    const D = this.D;
    switch (n.k) {
      case 'num':
        return this.rational(n.value);
      case 'based':
        return n.value === undefined ? undefined : C.real(D, n.value);
      case 'sym': {
        const v = this.env.get(n.name);
        return v === undefined ? undefined : this.rational(v);
      }
      case 'const':
        if (n.name === 'pi') return { re: C.piAt(D), im: new D(0) };
        if (n.name === 'e') return { re: D.exp(1), im: new D(0) };
        if (n.name === 'i') return { re: new D(0), im: new D(1) };
        return undefined;
      case 'neg': {
        const a = this.eval(n.arg);
        return a === undefined ? undefined : C.neg(a);
      }
      case 'add':
      case 'mul': {
        const items = n.k === 'add' ? n.terms : n.factors;
        let acc: Cx | undefined = C.real(D, n.k === 'add' ? 0 : 1);
        for (const item of items) {
          const v = this.eval(item);
          if (v === undefined || acc === undefined) return undefined;
          acc = n.k === 'add' ? C.add(acc, v) : C.mul(acc, v);
        }
        return acc;
      }
      case 'div': {
        const a = this.eval(n.num);
        const b = this.eval(n.den);
        return a === undefined || b === undefined ? undefined : C.div(a, b);
      }
      case 'pow': {
        const a = this.eval(n.base);
        const b = this.eval(n.exp);
        if (a === undefined || b === undefined) return undefined;
        const small = b.im.isZero() && b.re.isInteger() && b.re.abs().lte(4096);
        this.budget.charge(
          small ? 2 * Math.ceil(Math.log2(b.re.abs().toNumber() + 2)) : this.heavy,
        );
        return C.pow(D, a, b);
      }
      case 'root': {
        const a = this.eval(n.arg);
        const k = this.eval(n.index);
        if (a === undefined || k === undefined) return undefined;
        this.budget.charge(k.re.eq(2) && k.im.isZero() ? this.root : this.heavy);
        return C.root(D, a, k);
      }
      case 'fact':
      case 'binom':
        return this.integerFunction(n);
      case 'percent': {
        const a = this.eval(n.arg);
        return a === undefined ? undefined : C.div(a, C.real(D, 100));
      }
      case 'deg':
        return this.eval(n.arg);
      case 'fn':
        return this.fn(n.name, n.args);
      default:
        return undefined;
    }
  }

  private integerFunction(n: Node): Cx | undefined {
    const ints: bigint[] = [];
    const args = n.k === 'fact' ? [n.arg] : n.k === 'binom' ? [n.n, n.r] : [];
    for (const a of args) {
      const v = this.eval(a);
      if (v === undefined || !v.im.isZero() || !v.re.isInteger()) return undefined;
      if (v.re.abs().gt(Q.MAX_FACTORIAL)) return undefined;
      ints.push(BigInt(v.re.toFixed(0)));
    }
    const [x, y] = ints;
    if (x === undefined) return undefined;
    this.budget.charge(Number(x < 0n ? -x : x) / 50);
    const r = n.k === 'fact' ? Q.factorial(x) : y === undefined ? undefined : Q.binomial(x, y);
    return r === undefined ? undefined : C.real(this.D, r);
  }

  private fn(name: string, args: Node[]): Cx | undefined {
    const D = this.D;
    const first = args[0];
    if (first === undefined) return undefined;
    // `\sin 30^\circ`: a degree sign on a trig argument converts to radians.
    const raw = this.eval(first);
    if (raw === undefined) return undefined;
    let x: Cx = raw;
    if (first.k === 'deg' && TRIG.has(name)) {
      const r = C.mul(x, { re: C.piAt(D).div(180), im: new D(0) });
      if (r === undefined) return undefined;
      x = r;
    }
    if (name !== 'abs' && name !== 'conj' && name !== 'floor' && name !== 'ceil') {
      this.budget.charge(this.heavy);
    }
    const arg = x;
    const realOnly = (f: (v: Decimal) => Decimal): Cx | undefined => {
      if (!arg.im.isZero()) return undefined;
      const v = f(arg.re);
      return v.isFinite() ? { re: v, im: new D(0) } : undefined;
    };
    switch (name) {
      case 'abs':
        return { re: C.abs(D, x), im: new D(0) };
      case 'conj':
        return { re: x.re, im: x.im.neg() };
      case 'floor':
        return realOnly((v) => v.floor());
      case 'ceil':
        return realOnly((v) => v.ceil());
      case 'exp':
        return C.exp(D, x);
      case 'cis': {
        // cis t = cos t + i sin t = e^{it}.
        const it = C.mul({ re: new D(0), im: new D(1) }, x);
        return it === undefined ? undefined : C.exp(D, it);
      }
      case 'ln':
        return C.log(D, x);
      case 'log': {
        const l = C.log(D, x);
        const baseNode = args[1];
        const b = baseNode === undefined ? C.real(D, 10) : this.eval(baseNode);
        const lb = b === undefined ? undefined : C.log(D, b);
        return l === undefined || lb === undefined ? undefined : C.div(l, lb);
      }
      case 'sin':
      case 'cos':
      case 'tan':
      case 'cot':
      case 'sec':
      case 'csc':
        return this.trig(name, x);
      case 'sinh':
      case 'cosh':
      case 'tanh':
        return realOnly((v) =>
          name === 'sinh' ? D.sinh(v) : name === 'cosh' ? D.cosh(v) : D.tanh(v),
        );
      case 'arcsin':
      case 'arccos':
        return realOnly((v) =>
          v.abs().gt(1) ? new D(NaN) : name === 'arcsin' ? D.asin(v) : D.acos(v),
        );
      case 'arctan':
        return realOnly((v) => D.atan(v));
      case 'max':
      case 'min':
        return this.extremum(name, args);
      default:
        return undefined;
    }
  }

  private trig(name: string, x: Cx): Cx | undefined {
    const D = this.D;
    let s: Cx | undefined;
    let c: Cx | undefined;
    if (x.im.isZero()) {
      s = { re: D.sin(x.re), im: new D(0) };
      c = { re: D.cos(x.re), im: new D(0) };
    } else {
      // sin z = (e^{iz} − e^{−iz}) / 2i, cos z = (e^{iz} + e^{−iz}) / 2.
      const iz = C.mul({ re: new D(0), im: new D(1) }, x);
      const p = iz === undefined ? undefined : C.exp(D, iz);
      const m = iz === undefined ? undefined : C.exp(D, C.neg(iz));
      if (p === undefined || m === undefined) return undefined;
      const diff = C.sub(p, m);
      const sum = C.add(p, m);
      s = diff === undefined ? undefined : C.div(diff, { re: new D(0), im: new D(2) });
      c = sum === undefined ? undefined : C.div(sum, C.real(D, 2));
    }
    if (s === undefined || c === undefined) return undefined;
    const one = C.real(D, 1);
    switch (name) {
      case 'sin':
        return s;
      case 'cos':
        return c;
      case 'tan':
        return C.div(s, c);
      case 'cot':
        return C.div(c, s);
      case 'sec':
        return C.div(one, c);
      default:
        return C.div(one, s);
    }
  }

  private extremum(name: string, args: Node[]): Cx | undefined {
    let best: Cx | undefined;
    for (const a of args) {
      const v = this.eval(a);
      if (v === undefined || !v.im.isZero()) return undefined;
      if (best === undefined || (name === 'max' ? v.re.gt(best.re) : v.re.lt(best.re))) best = v;
    }
    return best;
  }
}
