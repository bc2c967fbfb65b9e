import {
  add,
  floorDiv,
  formatRational,
  mod,
  mul,
  rational,
  RationalOverflow,
  sub,
  div,
  type Rational,
} from './rational';

/**
 * An exact interpreter for the small subset of Python the synthetic family writes: comments,
 * `from fractions import Fraction`, assignments and `print` of integer expressions with
 * `+ - * // %`, parentheses and `Fraction(a, b)`. It gives the same stdout and the same
 * failures (NameError, ZeroDivisionError) as CPython on these programs — the simulator's tests
 * check that against /usr/bin/python3 — so the simulator can judge and execute steps in-process
 * at search speed. Anything outside the subset is reported as `unsupported`, never guessed.
 */
export interface MiniRun {
  status: 'ok' | 'error' | 'unsupported';
  stdout: string;
  stderr: string;
  /** Variables after the run (up to the failing line). */
  variables: Map<string, Rational>;
}

class PyError extends Error {}
class Unsupported extends Error {}

export function runMiniPython(program: string): MiniRun {
  const variables = new Map<string, Rational>();
  let stdout = '';
  let fraction = false;
  try {
    for (const raw of program.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      if (line === 'from fractions import Fraction') {
        fraction = true;
        continue;
      }
      const print = /^print\((.*)\)$/.exec(line);
      if (print) {
        stdout += `${formatRational(evaluate(print[1] ?? '', variables, fraction))}\n`;
        continue;
      }
      const assign = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(line);
      if (assign === null) throw new Unsupported(`unsupported statement: ${line}`);
      variables.set(assign[1] ?? '', evaluate(assign[2] ?? '', variables, fraction));
    }
    return { status: 'ok', stdout, stderr: '', variables };
  } catch (err) {
    if (err instanceof PyError) return { status: 'error', stdout, stderr: err.message, variables };
    if (err instanceof Unsupported || err instanceof RationalOverflow) {
      return { status: 'unsupported', stdout, stderr: String(err.message), variables };
    }
    throw err;
  }
}

type Token = { kind: 'num' | 'name' | 'op'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+)|([A-Za-z_]\w*)|(\/\/|[-+*%(),]))/y;
  let at = 0;
  while (at < expr.length) {
    if (/^\s*$/.test(expr.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(expr);
    if (m === null) throw new Unsupported(`unsupported syntax near: ${expr.slice(at)}`);
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', text: m[2] });
    else tokens.push({ kind: 'op', text: m[3] ?? '' });
    at = re.lastIndex;
  }
  return tokens;
}

function evaluate(expr: string, vars: Map<string, Rational>, fraction: boolean): Rational {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const expect = (text: string): void => {
    if (tokens[pos]?.text !== text) throw new Unsupported(`expected ${text} in: ${expr}`);
    pos++;
  };
  const sum = (): Rational => {
    let value = product();
    for (let t = peek(); t?.text === '+' || t?.text === '-'; t = peek()) {
      pos++;
      value = t.text === '+' ? add(value, product()) : sub(value, product());
    }
    return value;
  };
  const product = (): Rational => {
    let value = unary();
    for (let t = peek(); t?.text === '*' || t?.text === '//' || t?.text === '%'; t = peek()) {
      pos++;
      const right = unary();
      if (t.text !== '*' && right.n === 0) {
        throw new PyError('ZeroDivisionError: integer division or modulo by zero');
      }
      value =
        t.text === '*'
          ? mul(value, right)
          : t.text === '//'
            ? floorDiv(value, right)
            : mod(value, right);
    }
    return value;
  };
  const unary = (): Rational => {
    if (peek()?.text === '-') {
      pos++;
      return sub(rational(0), unary());
    }
    if (peek()?.text === '+') {
      pos++;
      return unary();
    }
    return atom();
  };
  const atom = (): Rational => {
    const t = tokens[pos++];
    if (t === undefined) throw new Unsupported(`unexpected end of: ${expr}`);
    if (t.kind === 'num') return rational(Number(t.text));
    if (t.text === '(') {
      const value = sum();
      expect(')');
      return value;
    }
    if (t.kind !== 'name') throw new Unsupported(`unexpected ${t.text} in: ${expr}`);
    if (t.text === 'Fraction' && peek()?.text === '(') {
      if (!fraction) throw new PyError("NameError: name 'Fraction' is not defined");
      pos++;
      const a = sum();
      expect(',');
      const b = sum();
      expect(')');
      if (b.n === 0) throw new PyError(`ZeroDivisionError: Fraction(${formatRational(a)}, 0)`);
      return div(a, b);
    }
    const value = vars.get(t.text);
    if (value === undefined) throw new PyError(`NameError: name '${t.text}' is not defined`);
    return value;
  };
  const value = sum();
  if (pos !== tokens.length) throw new Unsupported(`unexpected ${tokens[pos]?.text} in: ${expr}`);
  return value;
}
