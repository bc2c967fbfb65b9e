import { type Rational, add, fromDecimalString, rat } from './rational';

/** Exact value of a literal: decimals as written, repeating blocks summed as geometric series. */
export function numberValue(text: string, repeat?: string): Rational | undefined {
  const sci = /^([\d.]+)e([+-]?\d+)$/i.exec(text);
  if (sci !== null) {
    const mant = fromDecimalString(sci[1] as string);
    const e = Number(sci[2]);
    if (mant === undefined || Math.abs(e) > 1000) return undefined;
    const p = 10n ** BigInt(Math.abs(e));
    return e >= 0 ? rat(mant.n * p, mant.d) : rat(mant.n, mant.d * p);
  }
  const base = fromDecimalString(text.endsWith('.') ? text.slice(0, -1) || '0' : text);
  if (base === undefined || repeat === undefined || repeat === '') return base;
  const fracDigits = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  // 0.1(6): the block adds rep / (10^len - 1) shifted past the written fraction digits.
  const block = rat(
    BigInt(repeat),
    (10n ** BigInt(repeat.length) - 1n) * 10n ** BigInt(fracDigits),
  );
  return block === undefined ? undefined : add(base, block);
}

export function parseBased(digits: string, base: number): bigint | undefined {
  let v = 0n;
  for (const ch of digits.toUpperCase()) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    v = v * BigInt(base) + BigInt(d);
  }
  return digits.length > 0 ? v : undefined;
}
