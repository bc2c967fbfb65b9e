import {
  answerStepText,
  codeStepText,
  formatRational,
  OP_SPECS,
  parseRational,
  printStepText,
  rational,
  runMiniPython,
  variable,
  type Op,
  type SynthRng,
} from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import { MISTAKES, type Checkpoint, type CompetenceKey, type Mistake } from './checkpoint';
import type { Recovered } from './recover';

/** One sampled step before the server applies the request's stop list and max_tokens. */
export interface ProposedStep {
  /** The step text WITHOUT its tag. */
  body: string;
  /** The tag the simulated model emits after the body (then EOS). */
  tag: string;
  /** Null for a correct step; the mistake made otherwise (for tests and logs, never sent). */
  mistake: Mistake | null;
}

/**
 * The simulated policy: it reads where the recovered solution stands and writes the next step
 * of the canonical solution (with a random comment paraphrase) with probability = the skill's
 * competence, otherwise one of the checkpoint's mistakes:
 * - wrongConstant: a perturbed number in the step (a wrong value, hence a wrong answer), the
 *   wrong variable printed, or a misread output boxed;
 * - raises: code that raises NameError (a variable used before it exists);
 * - prematureAnswer: an answer step boxing the intermediate value before the block is done;
 * - overlong: a rambling step that runs past any max_tokens (cut, `finish_reason: length`).
 * Temperature 0 is greedy (`greedyDraw` given): the model's most likely step, with the first
 * paraphrase. Whether that step is the correct one depends on the step: `greedyDraw` is a uniform
 * draw fixed by the prompt alone (the same for every checkpoint), and the argmax is correct when
 * it falls below the competence. So greedy decoding is deterministic, a step a weak checkpoint
 * gets wrong a stronger one may get right, and pass@1 rises with training as real models' does
 * (it was correct whenever competence ≥ 0.5, which made every checkpoint's greedy ~100 %).
 */
export function proposeStep(
  found: Recovered,
  checkpoint: Checkpoint,
  protocol: StepProtocol,
  rng: SynthRng,
  greedyDraw: number | null,
  maxChars: number,
): ProposedStep {
  const greedy = greedyDraw !== null;
  const { problem, state } = found;
  const k = problem.ops.length;
  const next = state.closed ? k + 2 : state.codeSteps + 1;
  const op = next <= k ? problem.ops[next - 1] : undefined;
  const key: CompetenceKey = op === undefined ? 'closing' : OP_SPECS[op.kind].skill;
  // Boxing the printed output does not get harder with the chain's length: the depth penalty
  // applies to the steps that compute, not to the answer that copies what the code printed.
  const depth = state.closed ? 0 : next - 1;
  const competence = Math.max(
    0,
    checkpoint.policy.competence[key] - checkpoint.policy.depthPenalty * depth,
  );
  const correct = (greedyDraw ?? rng.float()) < competence;
  const mistake = correct ? null : pickMistake(checkpoint, rng, greedy);
  const phrasing = greedy ? 0 : rng.int(0, 2);
  const truth = String(problem.values[k - 1]);

  if (mistake === 'overlong')
    return { body: rambling(next, maxChars), tag: protocol.stepEnd, mistake };
  if (state.closed || state.boxed !== null) {
    const printed = state.output ?? current(found);
    const boxed = mistake === null ? printed : misread(printed, truth, rng);
    return { body: answerStepText(boxed), tag: protocol.answerEnd, mistake };
  }
  if (mistake === 'prematureAnswer') {
    let value = current(found);
    if (value === truth) value = misread(value, truth, rng);
    return { body: answerStepText(value), tag: protocol.answerEnd, mistake };
  }
  if (op === undefined) {
    const expr =
      mistake === null
        ? variable(k)
        : mistake === 'raises'
          ? 'result'
          : k > 1
            ? variable(k - 1)
            : `${variable(k)} + ${rng.int(1, 9)}`;
    return { body: printStepText(expr), tag: protocol.codeEnd, mistake };
  }
  if (mistake === 'raises') {
    const prev = next === 1 ? 'total' : variable(next);
    return {
      body: codeStepText(problem, next, op, phrasing, prev),
      tag: protocol.stepEnd,
      mistake,
    };
  }
  const used = mistake === 'wrongConstant' ? wrongConstant(op, found, rng) : op;
  return { body: codeStepText(problem, next, used, phrasing), tag: protocol.stepEnd, mistake };
}

function pickMistake(checkpoint: Checkpoint, rng: SynthRng, greedy: boolean): Mistake {
  const weights = checkpoint.policy.mistakes;
  if (greedy) return MISTAKES.reduce((a, b) => (weights[b] > weights[a] ? b : a));
  const total = MISTAKES.reduce((sum, m) => sum + weights[m], 0);
  if (total === 0) return 'wrongConstant';
  let roll = rng.float() * total;
  for (const m of MISTAKES) {
    roll -= weights[m];
    if (roll < 0) return m;
  }
  return 'wrongConstant';
}

/** The value of the last variable computed so far (the start before any step). */
function current(found: Recovered): string {
  const run = runMiniPython(found.state.program);
  let value = rational(found.problem.start);
  for (let i = found.problem.ops.length; i >= 1; i--) {
    const v = run.variables.get(variable(i));
    if (v !== undefined) {
      value = v;
      break;
    }
  }
  return formatRational(value);
}

/**
 * A nearby number for a misread answer (off by 1–5), never the true answer: otherwise a wrong
 * computation followed by a misread would often land on the reference by coincidence and fill
 * terminal-guided SFT data with right-answer-wrong-steps trajectories far more often than real
 * models produce them.
 */
function misread(printed: string, truth: string, rng: SynthRng): string {
  const whole = Number.parseInt(printed, 10);
  const base = Number.isFinite(whole) ? whole : 0;
  for (;;) {
    const value = String(base + rng.int(1, 5) * (rng.float() < 0.5 ? -1 : 1));
    if (value !== truth) return value;
  }
}

// A wrong constant must move the step's value by more than the largest crate size, or a later
// remainder step (which floors to a multiple of it) could map the wrong value back onto the
// right one and let a wrong step reach the right answer.
const MIN_VALUE_ERROR = 13;

/** The operation with one constant wrong, chosen so that the step's value really differs. */
function wrongConstant(op: Op, found: Recovered, rng: SynthRng): Op {
  const prev = parseRational(current(found));
  const before = prev === null ? 0 : prev.n / prev.d;
  const spec = OP_SPECS[op.kind];
  const right = spec.apply(before, op.args);
  let wrong = perturb(op, rng, 1);
  for (let attempt = 1; attempt < 12; attempt++) {
    if (Math.abs(spec.apply(before, wrong.args) - right) >= MIN_VALUE_ERROR) break;
    wrong = perturb(op, rng, 1 + attempt);
  }
  return wrong;
}

/** The same operation with one argument changed so that the code still runs. */
function perturb(op: Op, rng: SynthRng, scale: number): Op {
  const args = [...op.args];
  const i = rng.int(0, args.length - 1);
  const old = args[i] ?? 1;
  let value = old;
  // Off by more for larger numbers: a nudge of 1 to a big operand could be floored away by a
  // later remainder step and meet the right value by chance.
  const spread = (3 + Math.floor(old / 4)) * scale;
  while (value === old || value < 2)
    value = old + rng.int(1, spread) * (rng.float() < 0.5 ? -1 : 1);
  args[i] = value;
  return { ...op, args };
}

const RAMBLE = '# wait, let me recheck the previous total once more before going on\n';

/** A degenerate, repeating step longer than `maxChars`: always cut by max_tokens. */
function rambling(step: number, maxChars: number): string {
  const times = Math.ceil(maxChars / RAMBLE.length) + 1;
  return `\n# Step ${step}: let me think about this very carefully\n${RAMBLE.repeat(times)}`;
}
