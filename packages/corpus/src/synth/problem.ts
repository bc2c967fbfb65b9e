import { OP_KINDS, OP_SPECS, skillOf, type Op, type Skill } from './ops';
import { createRng, hashKey, type SynthRng } from './rng';
import type { Subject } from './template';

/** One synthetic problem: a start quantity changed by 2–10 operations, one per solution step. */
export interface SynthProblem {
  subject: Subject;
  start: number;
  ops: readonly Op[];
  /** The canonical value after each operation (all positive integers). */
  values: readonly number[];
}

export const MIN_STEPS = 2;
export const MAX_STEPS = 10;

export const SUBJECTS: readonly Subject[] = [
  { place: 'warehouse', items: 'boxes' },
  { place: 'farm', items: 'eggs' },
  { place: 'library', items: 'books' },
  { place: 'bakery', items: 'cookies' },
  { place: 'school', items: 'pencils' },
  { place: 'shop', items: 'apples' },
  { place: 'factory', items: 'bolts' },
  { place: 'garden', items: 'tulips' },
  { place: 'museum', items: 'tickets' },
  { place: 'harbor', items: 'crates' },
];

// Start values with many small divisors, so fraction and percentage steps usually fit.
const START_FACTORS = [20, 24, 30, 40, 60];
// Above this the multiplicative kinds are not drawn, keeping every value far below 2^53.
const MAX_VALUE = 200_000;

/** The problem at `index` of the family for `seed`: independent of every other index. */
export function generateProblem(seed: number, index: number): SynthProblem {
  const rng = createRng(hashKey(seed, index));
  const steps = rng.int(MIN_STEPS, MAX_STEPS);
  const subject = rng.pick(SUBJECTS);
  const start = rng.int(2, 25) * rng.pick(START_FACTORS);
  const ops: Op[] = [];
  const values: number[] = [];
  let value = start;
  for (let i = 0; i < steps; i++) {
    const op = drawOp(value, rng);
    value = OP_SPECS[op.kind].apply(value, op.args);
    ops.push(op);
    values.push(value);
  }
  return { subject, start, ops, values };
}

function drawOp(value: number, rng: SynthRng): Op {
  // A few tries at a random kind; the additive `rate_in` always fits as the fallback.
  for (let attempt = 0; attempt < 6; attempt++) {
    const kind = rng.pick(OP_KINDS);
    if (value > MAX_VALUE && (kind === 'fraction_in' || kind === 'percent_up')) continue;
    const args = OP_SPECS[kind].draw(value, rng);
    if (args !== null) return { kind, args, variant: rng.int(0, 1) };
  }
  return { kind: 'rate_in', args: [rng.int(2, 30), rng.int(2, 12)], variant: rng.int(0, 1) };
}

export function answerOf(problem: SynthProblem): number {
  return problem.values[problem.values.length - 1] ?? problem.start;
}

/** Skills in order of first use. */
export function skillsOf(problem: SynthProblem): Skill[] {
  return [...new Set(problem.ops.map((op) => skillOf(op.kind)))];
}
