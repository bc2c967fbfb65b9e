import type { Node } from './ast';
import { Budget, BudgetExceeded } from './budget';
import { type Choice, choicesEqual, predictedChoice, quotedValue, referenceChoice } from './choice';
import { compareAnswers } from './compare';
import { extractAnswer } from './extract';
import { LexError } from './lexer';
import { PLAIN_NAMES } from './names';
import { MAX_ANSWER_CHARS, normalizeLatex } from './normalize';
import { ParseError, parseAnswerString } from './parser';
import type { EvalContext } from './scalar';

/** Knobs of one grading call. Defaults suit grading every terminal node of a search round. */
export interface GradeOptions {
  /**
   * Work units one call may spend before it gives up with `false` ("undecided"). One unit is
   * about 5 µs of work (one arithmetic step at 60 digits; a transcendental function costs
   * (precision/6)² units). Default 12,000 (about 60 ms at worst).
   */
  budget?: number;
  /** Random points used to compare expressions with free variables. Default 5. */
  points?: number;
}

export const DEFAULT_GRADE_OPTIONS: Required<GradeOptions> = { budget: 12_000, points: 5 };

/** A verdict with the rule that decided it, for debugging and for reports. */
export interface GradeExplanation {
  equal: boolean;
  /** Which rule decided (e.g. "compared as sets", "undecided: budget exceeded"). */
  reason: string;
  /** The answers as compared (after extraction and normalisation). */
  pred: string | null;
  ref: string;
  /** Work units spent (see `GradeOptions.budget`). */
  work: number;
}

/** Whether two answers (not whole responses) are mathematically equal. */
export function isEquivalent(a: string, b: string, options: GradeOptions = {}): boolean {
  return explainEquivalence(a, b, options).equal;
}

/** Grades a response (or a bare answer) against a reference answer. */
export function gradeAnswer(pred: string, ref: string, options: GradeOptions = {}): boolean {
  return explainGrade(pred, ref, options).equal;
}

export function explainGrade(
  pred: string,
  ref: string,
  options: GradeOptions = {},
): GradeExplanation {
  const answer = extractAnswer(pred);
  const reference = /\\(?:boxed|fbox)/.test(ref) ? (extractAnswer(ref) ?? ref) : ref;
  if (answer === null) {
    return {
      equal: false,
      reason: 'no answer found in the response',
      pred: null,
      ref: reference,
      work: 0,
    };
  }
  return explainEquivalence(answer, reference, options);
}

export function explainEquivalence(
  a: string,
  b: string,
  options: GradeOptions = {},
): GradeExplanation {
  const na = normalizeLatex(a);
  const nb = normalizeLatex(b);
  const opts = { ...DEFAULT_GRADE_OPTIONS, ...options };
  const budget = new Budget(opts.budget);
  const verdict = (equal: boolean, reason: string): GradeExplanation => ({
    equal,
    reason,
    pred: na,
    ref: nb,
    work: budget.spent,
  });
  if (na === '' || nb === '') return verdict(false, 'empty answer');

  const refChoice = choiceReference(na, nb);
  let [ma, mb] = [na, nb];
  if (refChoice !== undefined) {
    const p = predictedChoice(na);
    // `12` against `\textbf{(C) } 12`: the value of the option, without its letter.
    const refValue = p === undefined ? quotedValue(nb) : undefined;
    if (refValue === undefined) {
      if (p === undefined) {
        return verdict(false, 'multiple-choice reference, no choice letter found');
      }
      if (p.hedged) return verdict(false, 'hedged between several choices');
      return verdict(choicesEqual(p, refChoice), 'compared as multiple-choice letters');
    }
    mb = refValue;
  } else {
    // `\textbf{(C) } \frac12` against `\frac12`: the option's value is the answer.
    ma = quotedValue(na) ?? na;
  }
  const pa = parseOrUndefined(ma);
  const pb = parseOrUndefined(mb);
  if (pa === undefined || pb === undefined) {
    // Unparsed answers are compared as text, and only if they are well-formed at all.
    const same = compact(ma) === compact(mb) && balanced(ma);
    return verdict(same, `${same ? '' : 'undecided: '}could not parse; compared as text`);
  }
  const ctx: EvalContext = {
    budget,
    precision: precisionFor(ma, mb),
    points: opts.points,
    cache: new WeakMap(),
  };
  try {
    const r = compareAnswers(pa, pb, ctx);
    if (r.tri === 'unknown') return verdict(false, `undecided: ${r.reason}`);
    return verdict(r.tri === 'equal', r.reason);
  } catch (err) {
    if (err instanceof BudgetExceeded) return verdict(false, 'undecided: work budget exceeded');
    // A grader inside the search must not take the search down: an unexpected failure (a bug,
    // or a library refusing an operation) is an undecided pair, reported as such.
    const message = err instanceof Error ? err.message : String(err);
    return verdict(false, `undecided: internal error: ${message}`);
  }
}

/**
 * The reference read as multiple choice: a choice-style reference (`C`, `(C)`), or a plain
 * letter reference when the prediction is unmistakably a choice (`\text{(B)}` against `b`).
 */
function choiceReference(pred: string, ref: string): Choice | undefined {
  const strong = referenceChoice(ref);
  if (strong !== undefined) return strong;
  const letter = /^\s*\(?([A-Ha-h])\)?\s*$/.exec(ref);
  if (letter === null || referenceChoice(pred) === undefined) return undefined;
  return { letters: [(letter[1] ?? '').toUpperCase()], hedged: false };
}

function parseOrUndefined(s: string): Node | undefined {
  if (s.length >= MAX_ANSWER_CHARS) return undefined;
  if (isProse(s)) return { k: 'text', text: s.toLowerCase() };
  try {
    return parseAnswerString(s);
  } catch (err) {
    if (err instanceof ParseError || err instanceof LexError || err instanceof RangeError) {
      return undefined;
    }
    throw err;
  }
}

/** Plain words (`no solution`, `Tuesday`, `even`) rather than mathematics. */
function isProse(s: string): boolean {
  if (!/^[A-Za-z][A-Za-z\s'’.,!?-]*$/.test(s)) return false;
  return s.split(/[^A-Za-z]+/).some((w) => w.length >= 3 && !PLAIN_NAMES.has(w.toLowerCase()));
}

function balanced(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

function compact(s: string): string {
  return s.replace(/\s+/g, '').replace(/\\text\{([^{}]*)\}/g, '$1');
}

/**
 * Working precision of the first numeric pass: 40 digits plus the longest run of digits in the
 * answers, so that a long decimal approximation of an irrational is still told apart from it
 * (the second pass doubles this).
 */
function precisionFor(a: string, b: string): number {
  const runs = [...(a.match(/\d+/g) ?? []), ...(b.match(/\d+/g) ?? [])];
  const longest = runs.reduce((m, r) => Math.max(m, r.length), 0);
  return Math.min(300, 40 + longest);
}
