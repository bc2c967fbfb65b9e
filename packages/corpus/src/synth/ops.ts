import type { SynthRng } from './rng';
import { compileTemplate, type Subject, type Template } from './template';

export const SKILLS = [
  'rates',
  'fractions',
  'percentages',
  'remainders',
  'units',
  'equations',
] as const;
export type Skill = (typeof SKILLS)[number];

export const OP_KINDS = [
  'rate_in',
  'rate_out',
  'fraction_out',
  'fraction_in',
  'percent_up',
  'percent_down',
  'remainder',
  'dozen',
  'per_minute',
  'equation',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** One operation on the running quantity, as written in the question and solved in code. */
export interface Op {
  kind: OpKind;
  args: readonly number[];
  /** Which sentence template of the kind the question uses. */
  variant: number;
}

export interface OpSpec {
  kind: OpKind;
  skill: Skill;
  /** Arguments valid for the current (integer) value, or null when this kind does not fit it. */
  draw(value: number, rng: SynthRng): number[] | null;
  apply(value: number, args: readonly number[]): number;
  sentences: readonly Template[];
  /** Python lines computing `target` from `prev`; `step` names helper variables. */
  code(prev: string, target: string, step: number, args: readonly number[]): string;
  comments: readonly Template[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const t = (sources: readonly string[]): Template[] => sources.map(compileTemplate);

/**
 * No step may bring the canonical value below this: small values make different computations
 * meet by chance (a floored wrong value equal to the right one), which would let wrong steps
 * reach right answers far more often than in real data.
 */
export const MIN_VALUE = 40;

function drawFraction(value: number, rng: SynthRng, out: boolean): number[] | null {
  const denominators = [2, 3, 4, 5, 6, 8, 10].filter((b) => value % b === 0);
  if (denominators.length === 0) return null;
  const b = rng.pick(denominators);
  const numerators = Array.from({ length: b - 1 }, (_, i) => i + 1).filter(
    (a) => gcd(a, b) === 1 && (!out || value - (value / b) * a >= MIN_VALUE),
  );
  return numerators.length === 0 ? null : [rng.pick(numerators), b];
}

function drawPercent(value: number, rng: SynthRng, choices: readonly number[]): number[] | null {
  const fits = choices.filter((p) => (value * p) % 100 === 0);
  return fits.length === 0 ? null : [rng.pick(fits)];
}

/**
 * Every operation kind. Values stay positive integers along the canonical path by construction
 * (the draw rules check divisibility), so canonical answers are integers; the code still uses
 * `Fraction` so that a mistaken constant yields an exact (possibly fractional) wrong value.
 */
export const OP_SPECS: Readonly<Record<OpKind, OpSpec>> = {
  rate_in: {
    kind: 'rate_in',
    skill: 'rates',
    draw: (_v, rng) => [rng.int(2, 30), rng.int(2, 12)],
    apply: (v, [r = 0, h = 0]) => v + r * h,
    sentences: t([
      'Over the next {a1} hours, {a0} more {items} arrive every hour.',
      'For {a1} days, the {place} gets {a0} new {items} each day.',
    ]),
    code: (prev, target, _s, [r, h]) => `${target} = ${prev} + ${r} * ${h}`,
    comments: t([
      '{a0} {items} arrive in each of {a1} periods, so add {a0} * {a1}',
      'the rate is {a0} {items} per period for {a1} periods; add it to the total',
      'add the {items} delivered at {a0} per period over {a1} periods',
    ]),
  },
  rate_out: {
    kind: 'rate_out',
    skill: 'rates',
    draw(v, rng) {
      const r = rng.int(2, 20);
      const d = rng.int(2, 10);
      return v - r * d >= MIN_VALUE ? [r, d] : null;
    },
    apply: (v, [r = 0, d = 0]) => v - r * d,
    sentences: t([
      'Then {a0} {items} are used up every day for {a1} days.',
      'For {a1} weeks, {a0} {items} are given away each week.',
    ]),
    code: (prev, target, _s, [r, d]) => `${target} = ${prev} - ${r} * ${d}`,
    comments: t([
      '{a0} {items} leave in each of {a1} periods, so subtract {a0} * {a1}',
      'remove the {items} used at {a0} per period for {a1} periods',
      'the outflow is {a0} per period over {a1} periods; subtract it',
    ]),
  },
  fraction_out: {
    kind: 'fraction_out',
    skill: 'fractions',
    draw: (v, rng) => drawFraction(v, rng, true),
    apply: (v, [a = 0, b = 1]) => v - (v / b) * a,
    sentences: t([
      'Then {a0}/{a1} of the {items} are sold.',
      'Next, {a0}/{a1} of the {items} are sent to another {place}.',
    ]),
    code: (prev, target, _s, [a, b]) => `${target} = ${prev} - Fraction(${a}, ${b}) * ${prev}`,
    comments: t([
      '{a0}/{a1} of the {items} leave, so subtract that share',
      'take away the fraction {a0}/{a1} of the current total',
      'the remaining {items} are the total minus {a0}/{a1} of it',
    ]),
  },
  fraction_in: {
    kind: 'fraction_in',
    skill: 'fractions',
    draw: (v, rng) => drawFraction(v, rng, false),
    apply: (v, [a = 0, b = 1]) => v + (v / b) * a,
    sentences: t([
      'Then the number of {items} grows by {a0}/{a1} of itself.',
      'Later, {a0}/{a1} as many {items} as there are now are added.',
    ]),
    code: (prev, target, _s, [a, b]) => `${target} = ${prev} + Fraction(${a}, ${b}) * ${prev}`,
    comments: t([
      'the total grows by {a0}/{a1} of itself',
      'add {a0}/{a1} of the current number of {items}',
      'new {items} equal {a0}/{a1} of the total; add them',
    ]),
  },
  percent_up: {
    kind: 'percent_up',
    skill: 'percentages',
    draw: (v, rng) => drawPercent(v, rng, [5, 10, 20, 25, 40, 50, 60, 75]),
    apply: (v, [p = 0]) => (v * (100 + p)) / 100,
    sentences: t([
      'Then the number of {items} increases by {a0}%.',
      'After a good week, the {place} has {a0}% more {items} than before.',
    ]),
    code: (prev, target, _s, [p]) => `${target} = ${prev} * Fraction(100 + ${p}, 100)`,
    comments: t([
      'a {a0}% increase multiplies the total by (100 + {a0})/100',
      'the count rises by {a0} percent',
      'scale the total up by {a0}%',
    ]),
  },
  percent_down: {
    kind: 'percent_down',
    skill: 'percentages',
    draw: (v, rng) =>
      (v * 25) / 100 >= MIN_VALUE ? drawPercent(v, rng, [10, 20, 25, 40, 50, 60, 75]) : null,
    apply: (v, [p = 0]) => (v * (100 - p)) / 100,
    sentences: t([
      'Then the number of {items} decreases by {a0}%.',
      'After a sale, the {place} has {a0}% fewer {items} than before.',
    ]),
    code: (prev, target, _s, [p]) => `${target} = ${prev} * Fraction(100 - ${p}, 100)`,
    comments: t([
      'a {a0}% decrease multiplies the total by (100 - {a0})/100',
      'the count falls by {a0} percent',
      'scale the total down by {a0}%',
    ]),
  },
  remainder: {
    kind: 'remainder',
    skill: 'remainders',
    draw(v, rng) {
      const sizes = [3, 4, 5, 6, 7, 8, 9, 11, 12].filter((c) => v - c >= MIN_VALUE && v % c !== 0);
      return sizes.length === 0 ? null : [rng.pick(sizes)];
    },
    apply: (v, [c = 1]) => Math.floor(v / c) * c,
    sentences: t([
      'Then the {items} are packed into crates of {a0}, and the {items} that do not fill a whole crate are given away.',
      'Next, the {items} are put into bags of {a0}, and any {items} left without a full bag are thrown out.',
    ]),
    code: (prev, target, _s, [c]) => `${target} = (${prev} // ${c}) * ${c}`,
    comments: t([
      'only full groups of {a0} are kept: floor-divide, then multiply back',
      'drop the remainder after grouping the {items} by {a0}',
      'keep {a0} times the number of complete groups of {a0}',
    ]),
  },
  dozen: {
    kind: 'dozen',
    skill: 'units',
    draw: (_v, rng) => [rng.int(1, 9)],
    apply: (v, [n = 0]) => v + n * 12,
    sentences: t(['Then {a0} dozen more {items} arrive.', 'A supplier brings {a0} dozen {items}.']),
    code: (prev, target, _s, [n]) => `${target} = ${prev} + ${n} * 12`,
    comments: t([
      '{a0} dozen is {a0} * 12 {items}; add them',
      'convert {a0} dozen to single {items} and add',
      'a dozen is 12, so {a0} dozen more are added',
    ]),
  },
  per_minute: {
    kind: 'per_minute',
    skill: 'units',
    draw: (_v, rng) => [rng.int(1, 5), rng.int(1, 3)],
    apply: (v, [r = 0, h = 0]) => v + r * 60 * h,
    sentences: t([
      'Then {items} arrive at {a0} per minute for {a1} hours.',
      'A machine adds {a0} {items} every minute for {a1} hours.',
    ]),
    code: (prev, target, _s, [r, h]) => `${target} = ${prev} + ${r} * 60 * ${h}`,
    comments: t([
      '{a1} hours is {a1} * 60 minutes at {a0} per minute',
      'convert {a1} hours to minutes, then multiply by the rate {a0}',
      'add {a0} per minute over {a1} hours of 60 minutes',
    ]),
  },
  equation: {
    kind: 'equation',
    skill: 'equations',
    draw(_v, rng) {
      const x = rng.int(2, 40);
      const a = rng.int(2, 9);
      const b = rng.int(1, 30);
      return [a, b, a * x + b];
    },
    apply: (v, [a = 1, b = 0, c = 0]) => v + (c - b) / a,
    sentences: t([
      'Then some new {items} arrive, and {a0} times that number plus {a1} equals {a2}.',
      'A crate of {items} is delivered; its count multiplied by {a0}, plus {a1}, is {a2}.',
    ]),
    code: (prev, target, step, [a, b, c]) =>
      `n${step} = Fraction(${c} - ${b}, ${a})\n${target} = ${prev} + n${step}`,
    comments: t([
      'solve {a0} * n + {a1} = {a2} for n, then add n',
      'the new count n satisfies {a0}n + {a1} = {a2}; n = ({a2} - {a1}) / {a0}',
      'isolate n in {a0} * n + {a1} = {a2} and add it to the total',
    ]),
  },
};

export function skillOf(kind: OpKind): Skill {
  return OP_SPECS[kind].skill;
}

export type { Subject };
