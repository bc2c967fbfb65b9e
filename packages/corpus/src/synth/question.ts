import { OP_KINDS, OP_SPECS, type Op } from './ops';
import { MAX_STEPS, MIN_STEPS, type SynthProblem } from './problem';

/**
 * The question grammar. A question is
 *   `The {place} has {start} {items}.` + one sentence per operation + `How many {items} does the
 *   {place} have now?`
 * with every operation sentence drawn from its kind's templates (ops.ts). `parseQuestion` inverts
 * `renderQuestion` for every problem the generator can emit, which is how the simulator recovers
 * a problem from nothing but a prompt, with no corpus file loaded.
 */
export function renderQuestion(problem: SynthProblem): string {
  const { place, items } = problem.subject;
  const parts = [`The ${place} has ${problem.start} ${items}.`];
  for (const op of problem.ops) {
    const template = OP_SPECS[op.kind].sentences[op.variant];
    if (template !== undefined) parts.push(template.render(op.args, problem.subject));
  }
  parts.push(`How many ${items} does the ${place} have now?`);
  return parts.join(' ');
}

const HEAD = /^The ([a-z]+) has (\d+) ([a-z]+)\.$/;
const TAIL = /^How many ([a-z]+) does the ([a-z]+) have now\?$/;

/** The problem a question states, or null when the text is not in the grammar. */
export function parseQuestion(question: string): SynthProblem | null {
  const sentences = question.trim().split(/(?<=[.?]) /);
  const head = HEAD.exec(sentences[0] ?? '');
  const tail = TAIL.exec(sentences[sentences.length - 1] ?? '');
  if (head === null || tail === null) return null;
  const [, place = '', startText = '', items = ''] = head;
  if (tail[1] !== items || tail[2] !== place) return null;
  const body = sentences.slice(1, -1);
  if (body.length < MIN_STEPS || body.length > MAX_STEPS) return null;
  const subject = { place, items };
  const start = Number(startText);
  const ops: Op[] = [];
  const values: number[] = [];
  let value = start;
  for (const sentence of body) {
    const op = parseSentence(sentence);
    if (op === null) return null;
    value = OP_SPECS[op.kind].apply(value, op.args);
    ops.push(op);
    values.push(value);
  }
  return { subject, start, ops, values };
}

function parseSentence(sentence: string): Op | null {
  for (const kind of OP_KINDS) {
    const templates = OP_SPECS[kind].sentences;
    for (let variant = 0; variant < templates.length; variant++) {
      const args = templates[variant]?.match(sentence) ?? null;
      if (args !== null) return { kind, args, variant };
    }
  }
  return null;
}
