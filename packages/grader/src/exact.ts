import type { Node } from './ast';
import type { Budget } from './budget';
import * as Q from './rational';
import type { Rational } from './rational';

/**
 * Why an expression has no exact rational value here: `irrational` (π, √2, sin 1 — or merely
 * not provably rational by these rules), `big` (beyond the size caps: its value is not trusted
 * numerically either), `undefined` (division by zero and the like), `unsupported` (not a number:
 * a free variable without a value, a list, infinity).
 */
export type ExactFailure = 'irrational' | 'big' | 'undefined' | 'unsupported';

export type Exact = { ok: true; v: Rational } | { ok: false; why: ExactFailure };

const fail = (why: ExactFailure): Exact => ({ ok: false, why });
const ok = (v: Rational | undefined, why: ExactFailure = 'big'): Exact =>
  v === undefined ? fail(why) : { ok: true, v };

/** Ranks failures so that a combination reports the one that matters most for trust. */
const RANK: Record<ExactFailure, number> = { unsupported: 3, undefined: 2, big: 1, irrational: 0 };

function worst(a: ExactFailure, b: ExactFailure): ExactFailure {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Integer and dyadic results cost little; a general fraction was reduced by Euclid's algorithm,
 * quadratic in its size (about 500 µs at 8,000 bits, ~100 units of 5 µs).
 */
function charge(budget: Budget, r: Rational): void {
  const bits = Q.bitLength(r.n) + Q.bitLength(r.d);
  const cheap = r.d === 1n || (r.d & (r.d - 1n)) === 0n;
  budget.charge(1 + (cheap ? bits / 4000 : Math.min(bits, 8192) ** 2 / 6e5));
}

export function exactEval(n: Node, env: ReadonlyMap<string, Rational>, budget: Budget): Exact {
  budget.charge();
  switch (n.k) {
    case 'num':
      return { ok: true, v: n.value };
    case 'based':
      return n.value === undefined ? fail('unsupported') : ok(Q.rat(n.value));
    case 'sym': {
      const v = env.get(n.name);
      return v === undefined ? fail('unsupported') : { ok: true, v };
    }
    case 'const':
      return fail(n.name === 'pi' || n.name === 'e' ? 'irrational' : 'unsupported');
    case 'neg': {
      const a = exactEval(n.arg, env, budget);
      return a.ok ? { ok: true, v: Q.neg(a.v) } : a;
    }
    case 'add':
    case 'mul':
      return fold(n.k === 'add' ? n.terms : n.factors, n.k, env, budget);
    case 'div': {
      const a = exactEval(n.num, env, budget);
      const b = exactEval(n.den, env, budget);
      if (!a.ok || !b.ok) return combine(a, b);
      if (b.v.n === 0n) return fail('undefined');
      const r = Q.div(a.v, b.v);
      if (r !== undefined) charge(budget, r);
      return ok(r);
    }
    case 'pow':
      return evalPow(n.base, n.exp, env, budget);
    case 'root': {
      const a = exactEval(n.arg, env, budget);
      const k = exactEval(n.index, env, budget);
      if (!a.ok || !k.ok) return combine(a, k);
      if (!Q.isInteger(k.v)) return fail('irrational');
      const idx = Q.toInteger(k.v);
      if (idx < 2n || idx > 1000n) return fail(idx === 1n ? 'irrational' : 'unsupported');
      if (a.v.n < 0n && idx % 2n === 0n) return fail('unsupported');
      return ok(Q.root(a.v, Number(idx)), 'irrational');
    }
    case 'fact': {
      const a = exactEval(n.arg, env, budget);
      if (!a.ok) return a;
      if (!Q.isInteger(a.v) || a.v.n < 0n) return fail('unsupported');
      const k = Q.toInteger(a.v);
      if (k > BigInt(Q.MAX_FACTORIAL)) return fail('big');
      budget.charge(Number(k) / 50);
      return ok(Q.rat(Q.factorial(k) ?? 0n));
    }
    case 'binom': {
      const a = exactEval(n.n, env, budget);
      const b = exactEval(n.r, env, budget);
      if (!a.ok || !b.ok) return combine(a, b);
      if (!Q.isInteger(b.v)) return fail('unsupported');
      if (!Q.isInteger(a.v)) return fallingBinomial(a.v, Q.toInteger(b.v), budget);
      const r = Q.binomial(Q.toInteger(a.v), Q.toInteger(b.v));
      return ok(r === undefined ? undefined : Q.rat(r));
    }
    case 'percent': {
      const a = exactEval(n.arg, env, budget);
      return a.ok ? ok(Q.div(a.v, Q.fromInt(100))) : a;
    }
    case 'deg':
      return exactEval(n.arg, env, budget);
    case 'fn':
      return evalFunction(n.name, n.args, env, budget);
    default:
      return fail('unsupported');
  }
}

/** Falling factorials beyond this many factors are not worth computing exactly. */
const MAX_BINOMIAL_FACTORS = 200n;

/**
 * `\binom{n}{k}` for a non-integer n: the polynomial n(n−1)…(n−k+1)/k!, which is what
 * `\binom{n}{2}` means as an expression in n (the sample points are never integers).
 */
function fallingBinomial(n: Rational, k: bigint, budget: Budget): Exact {
  if (k < 0n) return { ok: true, v: Q.ZERO };
  if (k > MAX_BINOMIAL_FACTORS) return fail('big');
  let acc: Rational | undefined = Q.ONE;
  for (let j = 0n; j < k && acc !== undefined; j++) {
    const factor = Q.sub(n, Q.rat(j) as Rational);
    const step: Rational | undefined = factor === undefined ? undefined : Q.mul(acc, factor);
    acc = step === undefined ? undefined : Q.div(step, Q.rat(j + 1n) as Rational);
    if (acc !== undefined) charge(budget, acc);
  }
  return ok(acc);
}

function combine(a: Exact, b: Exact): Exact {
  if (!a.ok && !b.ok) return fail(worst(a.why, b.why));
  return a.ok ? b : a;
}

function fold(
  items: Node[],
  op: 'add' | 'mul',
  env: ReadonlyMap<string, Rational>,
  budget: Budget,
): Exact {
  let acc: Rational = op === 'add' ? Q.ZERO : Q.ONE;
  let failure: ExactFailure | undefined;
  let zeroFactor = false;
  for (const item of items) {
    const r = exactEval(item, env, budget);
    if (!r.ok) {
      failure = failure === undefined ? r.why : worst(failure, r.why);
      continue;
    }
    if (op === 'mul' && r.v.n === 0n) zeroFactor = true;
    if (failure !== undefined) continue;
    const next = op === 'add' ? Q.add(acc, r.v) : Q.mul(acc, r.v);
    if (next === undefined) failure = 'big';
    else {
      charge(budget, next);
      acc = next;
    }
  }
  // 0·π is exactly 0; 0·(something undefined or unsupported) is not decided here.
  if (failure === 'irrational' && zeroFactor) return { ok: true, v: Q.ZERO };
  return failure === undefined ? { ok: true, v: acc } : fail(failure);
}

function evalPow(
  baseNode: Node,
  expNode: Node,
  env: ReadonlyMap<string, Rational>,
  budget: Budget,
): Exact {
  const b = exactEval(baseNode, env, budget);
  const e = exactEval(expNode, env, budget);
  if (!e.ok)
    return b.ok && (Q.eq(b.v, Q.ONE) || b.v.n === 0n) && e.why === 'irrational' ? b : combine(b, e);
  if (!b.ok) return b;
  const ev = Q.reduce(e.v);
  if (b.v.n === 0n) return ev.n > 0n ? { ok: true, v: Q.ZERO } : fail('undefined');
  if (Q.bitLength(ev.d) > 16) return fail('irrational');
  const q = Number(ev.d);
  let base = b.v;
  if (q > 1) {
    if (base.n < 0n && q % 2 === 0) return fail('unsupported');
    const r = Q.root(base, q);
    if (r === undefined) return fail('irrational');
    base = r;
  }
  const r = Q.powInt(base, ev.n);
  if (r !== undefined) charge(budget, r);
  return ok(r);
}

function evalFunction(
  name: string,
  args: Node[],
  env: ReadonlyMap<string, Rational>,
  budget: Budget,
): Exact {
  const vals: Rational[] = [];
  for (const a of args) {
    const r = exactEval(a, env, budget);
    if (!r.ok) return r;
    vals.push(r.v);
  }
  const x = vals[0];
  if (x === undefined) return fail('unsupported');
  switch (name) {
    case 'abs':
      return { ok: true, v: x.n < 0n ? Q.neg(x) : x };
    case 'conj':
      return { ok: true, v: x };
    case 'floor':
    case 'ceil': {
      const fl = x.n >= 0n ? x.n / x.d : -((-x.n + x.d - 1n) / x.d);
      const exactInt = x.n % x.d === 0n;
      return ok(Q.rat(name === 'floor' || exactInt ? fl : fl + 1n));
    }
    case 'max':
    case 'min':
      return {
        ok: true,
        v: vals.reduce((m, v) => (Q.cmp(v, m) > 0 === (name === 'max') ? v : m)),
      };
    case 'gcd':
    case 'lcm': {
      if (!vals.every(Q.isInteger)) return fail('unsupported');
      let acc = Q.toInteger(x);
      for (const v of vals.slice(1)) {
        const y = Q.toInteger(v);
        const g = Q.gcd(acc, y);
        acc = name === 'gcd' ? g : g === 0n ? 0n : (acc / g) * y;
      }
      return ok(Q.rat(acc < 0n ? -acc : acc));
    }
    case 'log':
      return exactLog(x, vals[1] ?? Q.fromInt(10));
    case 'ln':
      return Q.eq(x, Q.ONE) ? { ok: true, v: Q.ZERO } : fail('irrational');
    case 'exp':
      return x.n === 0n ? { ok: true, v: Q.ONE } : fail('irrational');
    case 'sin':
    case 'tan':
    case 'arcsin':
    case 'arctan':
    case 'sinh':
    case 'tanh':
      return x.n === 0n ? { ok: true, v: Q.ZERO } : fail('irrational');
    case 'cos':
    case 'cosh':
    case 'sec':
    case 'cis':
      return x.n === 0n ? { ok: true, v: Q.ONE } : fail('irrational');
    default:
      return fail('irrational');
  }
}

/** log_b(x) when it is rational: b^(p/q) = x is checked exactly for the candidate p/q. */
function exactLog(x: Rational, b: Rational): Exact {
  if (x.n <= 0n || b.n <= 0n || Q.eq(b, Q.ONE)) return fail('unsupported');
  if (Q.eq(x, Q.ONE)) return { ok: true, v: Q.ZERO };
  const lx = Math.log(Number(x.n)) - Math.log(Number(x.d));
  const lb = Math.log(Number(b.n)) - Math.log(Number(b.d));
  if (!Number.isFinite(lx) || !Number.isFinite(lb) || lb === 0) return fail('irrational');
  const ratio = lx / lb;
  for (let q = 1; q <= 12; q++) {
    const p = Math.round(ratio * q);
    if (Math.abs(ratio * q - p) > 1e-6 || Math.abs(p) > 4096) continue;
    const root = Q.root(b, q);
    const v = root === undefined ? undefined : Q.powInt(root, BigInt(p));
    if (v !== undefined && Q.eq(v, x)) return ok(Q.rat(BigInt(p), BigInt(q)));
  }
  return fail('irrational');
}
