/**
 * Multiple-choice answers: `C`, `(C)`, `\text{(C)}`, `\textbf{(C) } 12`, `C) 12`. Letters compare
 * case-insensitively; an answer naming two different letters (`(A) or (C)`) is a hedge and wrong.
 */
export interface Choice {
  letters: string[];
  /** Joined with "or": the answer hedges between options. */
  hedged: boolean;
}

function clean(s: string): string {
  return s
    .replace(/\\(?:text|textbf|textrm|mathrm|mathbf|mbox|textnormal)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\\[,;:! ]|\\quad|\\qquad|~|\$/g, ' ')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.;:]$/, '')
    .trim();
}

const SINGLE = /^(?:\(([A-Ha-h])\)|([A-H]))$/;
const LEADING = /^\(([A-Ha-h])\)|^([A-Ha-h])\)|^([A-H])[.:]\s/;
const LIST = /^\(?[A-H]\)?(?:\s*(?:,|and|or|&)\s*\(?[A-H]\)?)+$/;
const LIST_ANY_CASE = /^\(?[A-H]\)?(?:\s*(?:,|and|or|&)\s*\(?[A-H]\)?)+$/i;

/** Reads a reference answer as multiple choice: a single letter (upper case or in parentheses). */
export function referenceChoice(ref: string): Choice | undefined {
  const s = clean(ref);
  const m = SINGLE.exec(s);
  if (m !== null) return { letters: [(m[1] ?? m[2] ?? '').toUpperCase()], hedged: false };
  if (LIST.test(s)) return fromList(s);
  // `(C) 12`: the letter of an option quoted with its value.
  const quoted = /^\(([A-H])\)\s*[^\s(]/.exec(s);
  if (quoted !== null && (s.match(/\([A-H]\)/g) ?? []).length === 1) {
    return { letters: [quoted[1] ?? ''], hedged: false };
  }
  return undefined;
}

/** Reads a predicted answer against a multiple-choice reference, case-insensitively. */
export function predictedChoice(pred: string): Choice | undefined {
  const s = clean(pred);
  const single = /^\(?([A-Ha-h])\)?$/.exec(s);
  if (single !== null) return { letters: [(single[1] ?? '').toUpperCase()], hedged: false };
  if (LIST_ANY_CASE.test(s)) return fromList(s);
  const all = [...s.matchAll(/\(([A-Ha-h])\)/g)].map((m) => (m[1] ?? '').toUpperCase());
  if (all.length > 0) {
    return {
      letters: [...new Set(all)].sort(),
      hedged: /\bor\b/i.test(s) && new Set(all).size > 1,
    };
  }
  const lead = LEADING.exec(s);
  if (lead !== null) {
    return { letters: [(lead[1] ?? lead[2] ?? lead[3] ?? '').toUpperCase()], hedged: false };
  }
  return undefined;
}

function fromList(s: string): Choice {
  const hedged = /\bor\b/i.test(s);
  const bare = s.replace(/\b(?:and|or)\b/gi, ' ').toUpperCase();
  const letters = [...new Set([...bare.matchAll(/[A-H]/g)].map((m) => m[0]))].sort();
  return { letters, hedged: hedged && letters.length > 1 };
}

/**
 * The value quoted after a choice label, `\textbf{(C) } \frac12` → `\frac12`, for comparing
 * with an answer that gives only the value. Undefined without a label, a value, or with a
 * second label in the value (a hedge).
 */
export function quotedValue(s: string): string | undefined {
  const m =
    /^\s*(?:\\(?:textbf|text|textrm|mathrm|mathbf|mbox)\s*\{\s*\([A-H]\)\s*\}|\([A-H]\))\s*(.*)$/s.exec(
      s,
    );
  const value = m?.[1]?.trim();
  if (value === undefined || value === '' || /\([A-Ha-h]\)/.test(value)) return undefined;
  return value;
}

export function choicesEqual(pred: Choice, ref: Choice): boolean {
  if (pred.hedged) return false;
  return (
    pred.letters.length === ref.letters.length && pred.letters.every((l, i) => l === ref.letters[i])
  );
}
