import type { ToyRng } from './toy-rng';

/** One arithmetic operation of a toy problem, applied to the running count. */
export interface ToyOperation {
  op: '+' | '-' | '*';
  operand: number;
  /** The sentence of the question that states it. */
  sentence: string;
}

/**
 * A toy multi-step arithmetic word problem with its canonical solution — a test double for
 * corpus problems, not real data. `steps` are the canonical step texts without stop tags; the
 * last code step prints the answer, the answer step boxes it.
 */
export interface ToyProblem {
  id: string;
  question: string;
  /** Reference answer (what the grader compares against). */
  reference: string;
  /** Same as `reference`, as a number. */
  answer: number;
  start: number;
  operations: ToyOperation[];
  /** Running count after each operation (`x1`, `x2`, … in the canonical code). */
  values: number[];
}

const NAMES = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elif', 'Farid', 'Gina', 'Hugo', 'Iris', 'Jon'];
const ITEMS = ['apples', 'marbles', 'stickers', 'coins', 'books', 'shells', 'cards', 'pencils'];

/** Generates `count` problems with `minSteps`…`maxSteps` operations each; values stay positive. */
export function generateToyProblems(
  rng: ToyRng,
  count: number,
  minSteps: number,
  maxSteps: number,
): ToyProblem[] {
  return Array.from({ length: count }, (_, i) => generateOne(rng, `toy-${i}`, minSteps, maxSteps));
}

function generateOne(rng: ToyRng, id: string, minSteps: number, maxSteps: number): ToyProblem {
  const name = rng.pick(NAMES);
  const items = rng.pick(ITEMS);
  const start = rng.int(5, 40);
  const k = rng.int(minSteps, maxSteps);
  const operations: ToyOperation[] = [];
  const values: number[] = [];
  let value = start;
  for (let s = 0; s < k; s++) {
    const roll = rng.float();
    let operation: ToyOperation;
    if (roll < 0.25 && value <= 200) {
      const x = rng.int(2, 4);
      operation = {
        op: '*',
        operand: x,
        sentence: `Then the number of ${items} becomes ${x} times as large.`,
      };
    } else if (roll < 0.6 && value > 2) {
      const x = rng.int(1, value - 1);
      operation = { op: '-', operand: x, sentence: `${name} gives away ${x} ${items}.` };
    } else {
      const x = rng.int(2, 25);
      operation = { op: '+', operand: x, sentence: `${name} gets ${x} more ${items}.` };
    }
    value = apply(value, operation);
    operations.push(operation);
    values.push(value);
  }
  const question = `${name} has ${start} ${items}. ${operations.map((o) => o.sentence).join(' ')} How many ${items} does ${name} have at the end?`;
  return { id, question, reference: String(value), answer: value, start, operations, values };
}

export function apply(value: number, operation: Pick<ToyOperation, 'op' | 'operand'>): number {
  if (operation.op === '+') return value + operation.operand;
  if (operation.op === '-') return value - operation.operand;
  return value * operation.operand;
}
