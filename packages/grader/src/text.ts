import type { Node } from './ast';
import type { Tri } from './scalar';

/** Answers in words: sets named in words, clock times, and plain text compared loosely. */

const EMPTY_WORDS = new Set([
  'no solution',
  'no solutions',
  'no real solution',
  'no real solutions',
  'none',
  'no real roots',
  'no roots',
  'empty set',
  'the empty set',
]);

const REAL_WORDS = new Set(['all real numbers', 'all reals', 'every real number', 'all real x']);

export function compactText(t: string): string {
  return t
    .toLowerCase()
    .replace(/[^a-z0-9:\s]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `no solution` is the empty set and `all real numbers` the real line. */
export function textAsSet(n: Node): Node | undefined {
  if (n.k !== 'text') return undefined;
  const t = compactText(n.text);
  if (EMPTY_WORDS.has(t)) return { k: 'empty' };
  if (REAL_WORDS.has(t)) return { k: 'reals' };
  return undefined;
}

/**
 * Words with whole numbers among them (`\text{March 15}`, `\text{Day } 3`) parse as a product
 * of text and numbers; they are a name, not a value, and compare as text.
 */
export function textProduct(n: Node): Node | undefined {
  if (n.k !== 'mul' || !n.factors.some((f) => f.k === 'text')) return undefined;
  const parts: string[] = [];
  for (const f of n.factors) {
    if (f.k === 'text') parts.push(f.text);
    else if (f.k === 'num' && !f.decimal && f.value.d === 1n) parts.push(f.value.n.toString());
    else return undefined;
  }
  return { k: 'text', text: parts.join(' ') };
}

interface Clock {
  hour: number;
  minute: number;
  /** 'a', 'p', or '' when the time does not say (then it matches either). */
  half: string;
}

const NAMED_TIMES: Record<string, string> = { noon: 'time:12:00:p', midnight: 'time:12:00:a' };

/** A clock time on the 12-hour dial: 14:45 is 2:45 p.m., 0:30 is 12:30 a.m., noon 12:00 p.m. */
function clock(text: string): Clock | undefined {
  const m = /^time:(\d+):(\d+):([ap]?)$/.exec(NAMED_TIMES[compactText(text)] ?? text);
  if (m === null) return undefined;
  let hour = Number(m[1]);
  let half = m[3] ?? '';
  if (half === '' && hour >= 13 && hour <= 23) {
    hour -= 12;
    half = 'p';
  } else if (half === '' && hour === 0) {
    hour = 12;
    half = 'a';
  }
  return { hour, minute: Number(m[2]), half };
}

/** Abbreviations that stand for a whole answer in words. */
const ABBREVIATIONS: Record<string, string> = { dne: 'does not exist' };

/** Abbreviated months and weekdays (`Oct. 31`, `Tue`), word by word. */
const CALENDAR: Record<string, string> = {
  jan: 'january',
  feb: 'february',
  mar: 'march',
  apr: 'april',
  jun: 'june',
  jul: 'july',
  aug: 'august',
  sep: 'september',
  sept: 'september',
  oct: 'october',
  nov: 'november',
  dec: 'december',
  mon: 'monday',
  tue: 'tuesday',
  tues: 'tuesday',
  wed: 'wednesday',
  thu: 'thursday',
  thur: 'thursday',
  thurs: 'thursday',
  fri: 'friday',
  sat: 'saturday',
  sun: 'sunday',
};

function spelledOut(t: string): string {
  const c = compactText(t);
  const whole = ABBREVIATIONS[c] ?? c;
  return whole
    .split(' ')
    .map((w) => CALENDAR[w] ?? w)
    .join('');
}

export function compareTextNodes(a: Node, b: Node): { tri: Tri; reason: string } {
  if (a.k !== 'text' || b.k !== 'text') {
    return { tri: 'different', reason: 'text against mathematics' };
  }
  const ca = clock(a.text);
  const cb = clock(b.text);
  if (ca !== undefined && cb !== undefined) {
    const same =
      ca.hour === cb.hour &&
      ca.minute === cb.minute &&
      (ca.half === cb.half || ca.half === '' || cb.half === '');
    return { tri: same ? 'equal' : 'different', reason: 'compared as clock times' };
  }
  const same = spelledOut(a.text) === spelledOut(b.text);
  return { tri: same ? 'equal' : 'different', reason: 'compared as text' };
}
