import { readGroup } from './lexer';
import { parseNumberWords, parseWordFraction } from './words';

/**
 * String-level clean-up shared by both sides before tokenizing: notation that carries no
 * mathematical content (delimiters, spacing, font and size commands, `\dfrac`) is removed or
 * unified. Nothing here deletes a letter, a bracket or an `=`: those carry meaning, and the
 * reference graders' habit of deleting them is where their false positives come from.
 */
const UNICODE: ReadonlyArray<[RegExp, string]> = [
  [/[\u2212\u2012\u2013\u2014\uFE63\uFF0D]/g, '-'],
  [/\u00D7/g, '\\times '],
  [/\u00F7/g, '\\div '],
  [/[\u00B7\u22C5\u2219]/g, '\\cdot '],
  [/\u03C0/g, '\\pi '],
  [/\u221A/g, '\\sqrt'],
  [/\u221E/g, '\\infty '],
  [/\u00B0/g, '\\degree '],
  [/\u00B1/g, '\\pm '],
  [/\u2213/g, '\\mp '],
  [/\u222A/g, '\\cup '],
  [/\u2229/g, '\\cap '],
  [/\u2205/g, '\\emptyset '],
  [/\u2208/g, '\\in '],
  [/\u211D/g, '\\reals '],
  [/\u2264/g, '\\le '],
  [/\u2265/g, '\\ge '],
  [/\u2260/g, '\\ne '],
  [/\u2248/g, '\\approx '],
  [/\u00B2/g, '^2'],
  [/\u00B3/g, '^3'],
  [/\u00BD/g, '\\frac{1}{2}'],
  [/\u00BC/g, '\\frac{1}{4}'],
  [/\u00BE/g, '\\frac{3}{4}'],
  [/[\u00A0\u2009\u202F\u2002\u2003]/g, ' '],
  [/\uFF0C/g, ','],
  [/[\u27E8\u2329]/g, '\\langle '],
  [/[\u27E9\u232A]/g, '\\rangle '],
  // Set-builder bar and the connectives of Chinese (Gaokao) answers: {x∣x>2或x<-1}.
  [/\u2223/g, '|'],
  [/\u6216/g, ' \\text{ or } '],
  [/\u4E14/g, ' \\text{ and } '],
  [/\uFF08/g, '('],
  [/\uFF09/g, ')'],
];

const SIMPLE_REWRITES: ReadonlyArray<[RegExp, string]> = [
  // The matrix row separator `\\` first, so that the spacing rules below cannot eat half of it.
  [/\\\\/g, ' \\cr '],
  // A braced or tightened colon between digits is a clock or ratio colon: 9{:}00, 4\!:\!30.
  [/(\d)\s*(?:\{:\}|\\!\s*:\s*\\!)\s*(?=\d)/g, '$1:'],
  // Upright i and e are the imaginary unit and Euler's number (ISO 80000-2), not unit labels.
  [/\\mathrm\s*\{\s*([ie])\s*\}/g, ' $1 '],
  // Ordinal suffixes after a numeral: 12^{\text{th}}, 4^{th}, \text{July 4th}.
  [/(\d)\s*\^\s*\{\s*\\(?:text|mathrm)\s*\{\s*(?:st|nd|rd|th)\s*\}\s*\}/g, '$1'],
  [/(\d)\s*\^\s*(?:\\(?:text|mathrm)\s*)?\{\s*(?:st|nd|rd|th)\s*\}/g, '$1'],
  [/(\d)(?:st|nd|rd|th)(?![a-zA-Z])/g, '$1'],
  // Thousands separators written with LaTeX spacing or a braced comma: 10{,}000, 10\,000.
  [/(\d)\{,\}(?=\d{3}(?!\d))/g, '$1'],
  [/(\d),?\\[,!](?=\d{3}(?!\d))/g, '$1'],
  // A hex digit written as text inside a numeral: \text{B}7_{16}.
  [/\\(?:text|mathrm)\s*\{([0-9A-Z]+)\}(?=[0-9A-Z]*_)/g, '$1'],
  // Delimiter sizing: `\left.`/`\right.` are invisible delimiters and go with their dot.
  [/\\(?:left|right|middle)\s*\./g, ''],
  [/\\(?:left|right|middle|[Bb]igg?[lrm]?)(?![a-zA-Z])/g, ''],
  [
    /\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits|bf|it|rm(?![a-zA-Z])|small|large)/g,
    '',
  ],
  [/\\(?:h|v)space\*?\s*\{[^{}]*\}/g, ' '],
  [/\\(?:v?phantom)\s*\{[^{}]*\}/g, ''],
  [/\\(?:quad|qquad|enspace|thinspace|medspace|thickspace|negthinspace)(?![a-zA-Z])/g, ' '],
  [/\\[,;:! ]/g, ' '],
  [/~/g, ' '],
  [/\\[dtc]frac(?![a-zA-Z])/g, '\\frac'],
  [/\\[dt]binom(?![a-zA-Z])/g, '\\binom'],
  [/\\(?:lbrace|lbrack(?=\{))/g, '\\{'],
  [/\\rbrace/g, '\\}'],
  [/\\(?:lvert|rvert|vert)(?![a-zA-Z])/g, '|'],
  [/\\(?:leqslant|leq|le)(?![a-zA-Z])/g, '≤'],
  [/\\(?:geqslant|geq|ge)(?![a-zA-Z])/g, '≥'],
  [/\\(?:neq|ne)(?![a-zA-Z])/g, '≠'],
  [/\\lt(?![a-zA-Z])/g, '<'],
  [/\\gt(?![a-zA-Z])/g, '>'],
  [/\\(?:varnothing|emptyset|O)(?![a-zA-Z])/g, '\\emptyset'],
  [/\\infin(?![a-zA-Z])/g, '\\infty'],
  [/\\mathbb\s*\{?\s*R\s*\}?/g, '\\reals '],
  [/\\operatorname\*?\s*\{\s*([a-zA-Z]+)\s*\}/g, '\\$1 '],
  // Degrees in every spelling, with an optional Celsius/Fahrenheit letter after them.
  [/\^\s*\{?\s*\\circ\s*\}?/g, '\\degree '],
  [/\\circ(?![a-zA-Z])/g, '\\degree '],
  [/\^\s*\{\s*\\degree\s*\}/g, '\\degree '],
  [
    /\\degree\s*(?:\\text\s*\{\s*[CF]\s*\}|\\mathrm\s*\{\s*[CF]\s*\}|[CF](?![a-zA-Z]))/g,
    '\\degree ',
  ],
  [/\\text\s*\{\s*percent\s*\}/gi, '\\%'],
  [/(\d)\s*percent\b/gi, '$1\\%'],
  [/\\\$/g, ' '],
  // Other currency signs, like `\$`: €5, £12.50, ¥300.
  [/\\(?:euro|pounds|textsterling|yen|textyen|texteuro)(?![a-zA-Z])|[€£¥]/g, ' '],
  [/\$/g, ' '],
  [/\\[()[\]]/g, ' '],
  [/\\(?:text|mbox|mathrm)\s*\{\s*\}/g, ' '],
  [/\\(?:text|mbox|mathrm)\s*\{\s*([:,.])\s*\}/g, '$1'],
];

/** Font wrappers whose argument is kept: `\mathbf{v}` is `v`. */
const UNWRAP = ['mathbf', 'boldsymbol', 'bm', 'mathcal', 'mathscr', 'mathit', 'emph', 'underline'];

export const MAX_ANSWER_CHARS = 20_000;

export function normalizeLatex(input: string): string {
  let s = input.slice(0, MAX_ANSWER_CHARS);
  for (const [re, to] of UNICODE) s = s.replace(re, to);
  for (const [re, to] of SIMPLE_REWRITES) s = s.replace(re, to);
  for (const cmd of UNWRAP) s = unwrapCommand(s, cmd);
  s = plainTexMatrices(s);
  s = markIntegers(s);
  s = rewriteOver(s, 'over', 'frac');
  s = rewriteOver(s, 'choose', 'binom');
  s = markClockTimes(s);
  s = markBasedNumerals(s);
  s = dropThousandsCommas(s);
  s = s.replace(/(?<![\d.])\d{1,3}(?: \d{3})+(?![\d.])/g, (m) => m.replace(/ /g, ''));
  s = s.replace(/\s+/g, ' ').trim();
  s = stripEnds(s);
  const words = wordNumber(s);
  return words ?? s;
}

function stripEnds(s: string): string {
  let prev;
  do {
    prev = s;
    s = s
      .replace(/(?:\\\.|[.,;:?])\s*$/, '')
      .replace(/^(?:=|\\approx|≈)\s*/, '')
      .trim();
  } while (s !== prev);
  return s;
}

/** Replaces `\cmd{x}` with `x` everywhere (nested groups are handled by the group reader). */
function unwrapCommand(s: string, cmd: string): string {
  const re = new RegExp(`\\\\${cmd}(?![a-zA-Z])\\s*`, 'g');
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const start = m.index;
    const g = readGroup(s, start + m[0].length);
    out += s.slice(last, start);
    if (g === undefined) {
      last = start + m[0].length;
      continue;
    }
    out += `{${g.content}}`;
    last = g.end;
    re.lastIndex = g.end;
  }
  return out + s.slice(last);
}

/**
 * The integers, `\mathbb{Z}`, `\mathbf{Z}`, `ℤ` or a plain `Z` after `\in`, become `\integers`;
 * a parenthesised parameter declaration `(k \in \mathbb{Z})` after a general solution
 * becomes a list item, `, k \in \integers`, as it is a condition and not a factor.
 */
function markIntegers(s: string): string {
  return s
    .replace(/\u2124|\\mathbb\s*\{\s*Z\s*\}|\\mathbb\s*Z(?![a-zA-Z])/g, '\\integers ')
    .replace(/\\in\s*(?:\{\s*Z\s*\}|Z(?![a-zA-Z]))/g, '\\in \\integers ')
    .replace(/\(\s*([a-zA-Z])\s*\\in\s*\\integers\s*\)/g, ', $1 \\in \\integers ');
}

/**
 * Plain TeX's `\pmatrix{1 & 2 \cr 3 & 4}` and `\matrix{…}` (also accepted by MathJax) as the
 * LaTeX environments the parser reads.
 */
function plainTexMatrices(s: string): string {
  const re = /\\(p?matrix)\s*(?=\{)/g;
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const g = readGroup(s, m.index + m[0].length);
    // An unclosed group: the rest stays as written (scanning on from every later match
    // would be quadratic in the length of the answer).
    if (g === undefined) break;
    const env = m[1] as string;
    out += `${s.slice(last, m.index)}\\begin{${env}}${g.content}\\end{${env}}`;
    last = g.end;
    re.lastIndex = g.end;
  }
  return out + s.slice(last);
}

/** TeX's infix `{a \over b}` (and `\choose`) rewritten as `\frac{a}{b}` within its group. */
function rewriteOver(s: string, infix: string, macro: string): string {
  const re = new RegExp(`\\\\${infix}(?![a-zA-Z])`);
  for (let guard = 0; guard < 20; guard++) {
    const m = re.exec(s);
    if (m === null) return s;
    let depth = 0;
    let open = -1;
    for (let j = m.index - 1; j >= 0; j--) {
      if (s[j] === '}' && s[j - 1] !== '\\') depth++;
      else if (s[j] === '{' && s[j - 1] !== '\\') {
        if (depth === 0) {
          open = j;
          break;
        }
        depth--;
      }
    }
    let close = s.length;
    depth = 0;
    for (let j = m.index + m[0].length; j < s.length; j++) {
      if (s[j] === '{' && s[j - 1] !== '\\') depth++;
      else if (s[j] === '}' && s[j - 1] !== '\\') {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      }
    }
    const left = s.slice(open + 1, m.index).trim();
    const right = s.slice(m.index + m[0].length, close).trim();
    const replaced = `\\${macro}{${left}}{${right}}`;
    s =
      open === -1
        ? replaced + s.slice(close)
        : `${s.slice(0, open)}{${replaced}}${s.slice(close + 1)}`;
  }
  return s;
}

/**
 * `4:30 p.m.`, `4:30pm`, `16:30` become `\clock{4}{30}{p}` so the meridiem is not a unit; a
 * whole hour with its meridiem spelled out (`4 p.m.`, `4\text{ PM}`) is `\clock{4}{00}{p}`.
 */
function markClockTimes(s: string): string {
  return s
    .replace(
      /(?<![\d.:])(\d{1,2}):(\d{2})(?![\d:])\s*(?:\\(?:text|textrm|mathrm|mbox)\s*\{\s*([aApP])\.?\s*[mM]?\.?\s*\}|([aApP])(?:\.?\s*[mM]\.?|\.+)?(?![a-zA-Z]))?/g,
      (_all, h: string, mm: string, t1?: string, t2?: string) =>
        `\\clock{${h}}{${mm}}{${(t1 ?? t2 ?? '').toLowerCase()}}`,
    )
    .replace(
      /(?<![\d.:,])(1[0-2]|0?[1-9])\s*(?:\\(?:text|textrm|mathrm|mbox)\s*\{\s*([aApP])\.?\s*[mM]\.?\s*\}|([aApP])\.?\s*[mM]\.?(?![a-zA-Z]))/g,
      (_all, h: string, t1?: string, t2?: string) =>
        `\\clock{${Number(h)}}{00}{${(t1 ?? t2 ?? '').toLowerCase()}}`,
    );
}

const BASE_WORDS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  sixteen: 16,
};

/**
 * `1011_2`, `(1011)_2`, `A3_{16}`, `1011_{(2)}`, `1011_{\text{two}}`: digits (at least one
 * numeral among them) subscripted by a base 2..36, in figures or in words.
 */
function markBasedNumerals(s: string): string {
  // One greedy digit class, checked for a numeral in the callback: a pattern like
  // [0-9A-Z]*[0-9][0-9A-Z]* would backtrack quadratically on a long run of digits.
  return s.replace(
    /(?<![A-Za-z0-9_\\.])(\()?([0-9A-Z]+)(\))?_\s*(?:\{\s*(?:\(?(\d{1,2})\)?|\\(?:text|mathrm)\s*\{\s*([a-z]+)\s*\})\s*\}|(\d))/g,
    (
      all,
      open?: string,
      digits?: string,
      close?: string,
      b1?: string,
      word?: string,
      b2?: string,
    ) => {
      if ((open === undefined) !== (close === undefined) || digits === undefined) return all;
      if (!/\d/.test(digits)) return all;
      const base = word === undefined ? Number(b1 ?? b2) : (BASE_WORDS[word] ?? 0);
      return base >= 2 && base <= 36 ? `\\based{${digits}}{${base}}` : all;
    },
  );
}

/**
 * `1,000,000` is one number, but `(1,500)` is a point: a comma-grouped numeral loses its commas
 * unless it is the whole content of a bracket pair.
 */
function dropThousandsCommas(s: string): string {
  return s.replace(
    /(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?!\d|,\d)/g,
    (num: string, _g: string, offset: number) => {
      const before = s.slice(0, offset).trimEnd();
      const after = s.slice(offset + num.length).trimStart();
      const opened = /(?:[([]|\\\{|\\langle)$/.test(before);
      const closed = /^(?:[)\]]|\\\}|\\rangle)/.test(after);
      return opened && closed ? num : num.replace(/,/g, '');
    },
  );
}

/** A whole answer spelled in words (`twenty-one`, `\text{five}`) becomes its numeral. */
function wordNumber(s: string): string | undefined {
  const inner = /^\\(?:text|mbox|textbf|mathrm)\s*\{([^{}]*)\}$/.exec(s)?.[1] ?? s;
  if (!/^[A-Za-z\s-]+$/.test(inner)) return undefined;
  const v = parseNumberWords(inner);
  if (v !== undefined) return v.toString();
  const f = parseWordFraction(inner);
  return f === undefined ? undefined : `\\frac{${f[0]}}{${f[1]}}`;
}
