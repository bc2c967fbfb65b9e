import type { ExecutionResult } from '../ports';

/**
 * A tiny, safe interpreter for the toy world's code — NOT Python. It understands exactly:
 * blank lines, `# comments`, `name = <expr>` and `print(<expr>)`, where <expr> is arithmetic over
 * numbers and names with + - * / // % and parentheses. Anything else is a SyntaxError; an
 * unknown name a NameError; dividing by zero a ZeroDivisionError — reported the way the sandbox
 * reports a failing program (status `error`, traceback-like stderr). Test double only.
 */
export function runToyProgram(source: string): ExecutionResult {
  const { status, stdout, stderr } = interpretToyProgram(source);
  return { status, stdout, stderr };
}

/** Runs a toy program and also returns its variables (the toy PPM checks them). */
export function interpretToyProgram(
  source: string,
): ExecutionResult & { variables: ReadonlyMap<string, number> } {
  const env = new Map<string, ToyValue>();
  const variables = (): Map<string, number> =>
    new Map([...env].map(([name, v]) => [name, v.value]));
  let stdout = '';
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const print = /^print\((.*)\)$/.exec(line);
      const assign = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(line);
      if (print !== null) stdout += `${show(evaluate(print[1] ?? '', env))}\n`;
      else if (assign !== null) env.set(assign[1] ?? '', evaluate(assign[2] ?? '', env));
      else throw new ToyError('SyntaxError', 'invalid syntax');
    } catch (err) {
      if (!(err instanceof ToyError)) throw err;
      const stderr = `line ${i + 1}\n${err.kind}: ${err.message}`;
      return { status: 'error', stdout, stderr, variables: variables() };
    }
  }
  return { status: 'ok', stdout, stderr: '', variables: variables() };
}

interface ToyValue {
  value: number;
  float: boolean;
}

class ToyError extends Error {
  constructor(
    readonly kind: 'SyntaxError' | 'NameError' | 'ZeroDivisionError',
    message: string,
  ) {
    super(message);
  }
}

function show(v: ToyValue): string {
  if (v.float && Number.isInteger(v.value)) return `${v.value}.0`;
  return String(v.value);
}

const TOKEN = /\s*(\d+(?:\.\d+)?|[A-Za-z_]\w*|\/\/|[-+*/%()])/y;

function tokenize(expr: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    if (expr.slice(TOKEN.lastIndex).trim() === '') break;
    const m = TOKEN.exec(expr);
    if (m === null) throw new ToyError('SyntaxError', 'invalid syntax');
    tokens.push(m[1] ?? '');
  }
  return tokens;
}

/** Recursive descent: expr = term (("+"|"-") term)*; term = unary (("*"|"/"|"//"|"%") unary)*. */
function evaluate(expr: string, env: ReadonlyMap<string, ToyValue>): ToyValue {
  const tokens = tokenize(expr);
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (): string => {
    const t = tokens[at++];
    if (t === undefined) throw new ToyError('SyntaxError', 'unexpected end of expression');
    return t;
  };
  const sum = (): ToyValue => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      const right = product();
      left = {
        value: op === '+' ? left.value + right.value : left.value - right.value,
        float: left.float || right.float,
      };
    }
    return left;
  };
  const product = (): ToyValue => {
    let left = unary();
    for (let op = peek(); op === '*' || op === '/' || op === '//' || op === '%'; op = peek()) {
      take();
      const right = unary();
      left = arithmetic(op, left, right);
    }
    return left;
  };
  const unary = (): ToyValue => {
    if (peek() === '-') {
      take();
      const v = unary();
      return { value: -v.value, float: v.float };
    }
    return atom();
  };
  const atom = (): ToyValue => {
    const t = take();
    if (t === '(') {
      const v = sum();
      if (take() !== ')') throw new ToyError('SyntaxError', "'(' was never closed");
      return v;
    }
    if (/^\d/.test(t)) return { value: Number(t), float: t.includes('.') };
    if (/^[A-Za-z_]/.test(t)) {
      const v = env.get(t);
      if (v === undefined) throw new ToyError('NameError', `name '${t}' is not defined`);
      return v;
    }
    throw new ToyError('SyntaxError', 'invalid syntax');
  };
  const result = sum();
  if (at !== tokens.length) throw new ToyError('SyntaxError', 'invalid syntax');
  return result;
}

function arithmetic(op: string, a: ToyValue, b: ToyValue): ToyValue {
  if (op === '*') return { value: a.value * b.value, float: a.float || b.float };
  if (b.value === 0) throw new ToyError('ZeroDivisionError', 'division by zero');
  if (op === '/') return { value: a.value / b.value, float: true };
  if (op === '//') return { value: Math.floor(a.value / b.value), float: a.float || b.float };
  const mod = a.value - b.value * Math.floor(a.value / b.value);
  return { value: mod, float: a.float || b.float };
}
