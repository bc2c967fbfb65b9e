/**
 * Tokenizer for normalised answers: LaTeX math with plain-text fallbacks (`sqrt(2)`, `pi/2`,
 * `x**2`). Letter runs are kept whole so the parser can tell a unit or a word from a product of
 * single-letter variables; `\text{}` content is one token so units and connectives stay visible.
 */
export type Token =
  | { t: 'num'; text: string; repeat?: string; approx?: boolean }
  | { t: 'letters'; text: string }
  | { t: 'cmd'; name: string }
  | { t: 'text'; text: string }
  | { t: 'op'; text: string }
  | { t: 'end' };

export class LexError extends Error {}

const TEXT_CMDS = new Set([
  'text',
  'textrm',
  'textnormal',
  'textit',
  'textbf',
  'textsf',
  'texttt',
  'mbox',
  'mathrm',
  'mathit',
  'mathsf',
  'mathtt',
  'rm',
]);

const MAX_TOKENS = 20_000;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z]$/.test(c);
}

/** Reads a balanced `{...}` group starting at `i` (which must be `{`); returns content and end. */
export function readGroup(s: string, i: number): { content: string; end: number } | undefined {
  if (s[i] !== '{') return undefined;
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return { content: s.slice(i + 1, j), end: j + 1 };
    }
  }
  return undefined;
}

export function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (tok: Token): void => {
    if (out.length >= MAX_TOKENS) throw new LexError('too many tokens');
    out.push(tok);
  };
  while (i < s.length) {
    const c = s[i] as string;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(s[i + 1]))) {
      i = lexNumber(s, i, push);
      continue;
    }
    if (isLetter(c)) {
      let j = i;
      while (isLetter(s[j])) j++;
      push({ t: 'letters', text: s.slice(i, j) });
      i = j;
      continue;
    }
    if (c === '\\') {
      const m = /^\\([A-Za-z]+)/.exec(s.slice(i, i + 40));
      if (m === null) {
        // Escaped symbol: \{ \} \% \$ \, \\ and friends.
        const sym = s[i + 1] ?? '';
        i += 2;
        if (sym === '{' || sym === '}') push({ t: 'op', text: `\\${sym}` });
        else if (sym === '%') push({ t: 'cmd', name: '%' });
        else if (sym === '\\') push({ t: 'op', text: '\\\\' });
        else if (sym === '|') push({ t: 'op', text: '|' });
        continue;
      }
      const name = m[1] as string;
      i += m[0].length;
      if (TEXT_CMDS.has(name)) {
        while (s[i] === ' ') i++;
        const g = readGroup(s, i);
        if (g === undefined) {
          if (name === 'rm') continue;
          throw new LexError(`\\${name} without an argument`);
        }
        i = g.end;
        push({ t: 'text', text: g.content });
        continue;
      }
      push(name === 'cr' ? { t: 'op', text: '\\\\' } : { t: 'cmd', name });
      continue;
    }
    if (c === '*' && s[i + 1] === '*') {
      push({ t: 'op', text: '^' });
      i += 2;
      continue;
    }
    if ((c === '<' || c === '>' || c === '!') && s[i + 1] === '=') {
      push({ t: 'op', text: c === '<' ? '≤' : c === '>' ? '≥' : '≠' });
      i += 2;
      continue;
    }
    if (c === '.' && s.startsWith('...', i)) {
      push({ t: 'cmd', name: 'ldots' });
      i += 3;
      continue;
    }
    if ("+-*/^_()[]{},;=<>!|&':%≤≥≠±∓".includes(c)) {
      push(c === '%' ? { t: 'cmd', name: '%' } : { t: 'op', text: c });
      i++;
      continue;
    }
    // Anything else (stray punctuation, unknown unicode) is kept so that the parser can fail on
    // it, which sends the comparison to the textual fallback instead of silently dropping it.
    push({ t: 'op', text: c });
    i++;
  }
  push({ t: 'end' });
  return out;
}

/**
 * A numeric literal, with repeating-decimal notations folded in: `0.\overline{3}`, `0.(3)`,
 * `0.1\dot{6}`, and `0.333...` when the digits before the dots show a period.
 */
function lexNumber(s: string, i: number, push: (t: Token) => void): number {
  let j = i;
  while (isDigit(s[j])) j++;
  let hasPoint = false;
  if (s[j] === '.' && !s.startsWith('...', j)) {
    hasPoint = true;
    j++;
    while (isDigit(s[j])) j++;
  }
  let text = s.slice(i, j);
  // Scientific notation in plain text (`1.5e-3`, `2E5`): only when an exponent really follows.
  const sci = /^[eE]([+-]?\d+)(?![A-Za-z0-9.])/.exec(s.slice(j, j + 12));
  if (sci !== null) {
    push({ t: 'num', text: `${text}e${sci[1] ?? ''}` });
    return j + sci[0].length;
  }
  if (hasPoint) {
    const over = /^\\(?:overline|bar|dot|overbrace)\s*\{(\d+)\}/.exec(s.slice(j, j + 80));
    const paren = /^\((\d+)\)/.exec(s.slice(j, j + 80));
    const dot = /^\\dot\s*(\d)/.exec(s.slice(j, j + 20));
    const rep = over ?? paren ?? dot;
    if (rep !== null) {
      push({ t: 'num', text, repeat: rep[1] ?? '' });
      return j + rep[0].length;
    }
    const dots = /^\s*(?:\.\.\.|\\ldots|\\dots|\\cdots)/.exec(s.slice(j, j + 20));
    if (dots !== null) {
      const frac = text.slice(text.indexOf('.') + 1);
      const period = detectPeriod(frac);
      if (period === undefined) {
        push({ t: 'num', text, approx: true });
      } else {
        text = text.slice(0, text.length - period.length);
        push({ t: 'num', text, repeat: period });
      }
      return j + dots[0].length;
    }
  }
  push({ t: 'num', text });
  return j;
}

/** The repeating block at the end of `frac` (≥ 3 copies of one digit, ≥ 2 of a longer block). */
function detectPeriod(frac: string): string | undefined {
  for (let p = 1; p <= 6; p++) {
    const copies = p === 1 ? 3 : 2;
    if (frac.length < p * copies) continue;
    const block = frac.slice(frac.length - p);
    if (block.repeat(copies) === frac.slice(frac.length - p * copies)) return block;
  }
  return undefined;
}
