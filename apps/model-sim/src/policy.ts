import {
  answerStepText,
  codeStepText,
  OP_SPECS,
  printStepText,
  variable,
  type SynthRng,
} from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import { MISTAKES, type Checkpoint, type CompetenceKey, type Mistake } from './checkpoint';
import { flawedStepText } from './flaws';
import { currentValue, type Recovered } from './recover';
import { wrongConstant } from './wrong-constant';

/** What every choice of one request shares, worked out once per request (generate.ts). */
export interface SharedStepInput {
  found: Recovered;
  /** Code steps of the solution so far written the wrong way (flaws.ts `deviatingSteps`). */
  flaws: number;
  /** The greedy draw fixed by the prompt at temperature 0 (below), null when sampling. */
  greedyDraw: number | null;
  /** The request's max_tokens in characters (an overlong step runs past it). */
  maxChars: number;
}

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
 * - overlong: a rambling step that runs past any max_tokens (cut, `finish_reason: length`);
 * - flawed: a code step written the wrong way (flaws.ts), its value right with `flawLuck`.
 * Every flawed step already in the solution costs later steps `flawPenalty` of competence.
 * Temperature 0 is greedy (`greedyDraw` given): the model's most likely step, with the first
 * paraphrase. Whether that step is the correct one depends on the step: `greedyDraw` is a uniform
 * draw fixed by the prompt alone (the same for every checkpoint), and the argmax is correct when
 * it falls below the competence. So greedy decoding is deterministic, a step a weak checkpoint
 * gets wrong a stronger one may get right, and pass@1 rises with training as real models' does
 * (it was correct whenever competence ≥ 0.5, which made every checkpoint's greedy ~100 %).
 */
export function proposeStep(
  shared: SharedStepInput,
  checkpoint: Checkpoint,
  protocol: StepProtocol,
  rng: SynthRng,
): ProposedStep {
  const { found, flaws, greedyDraw, maxChars } = shared;
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
    checkpoint.policy.competence[key] -
      checkpoint.policy.depthPenalty * depth -
      checkpoint.policy.flawPenalty * flaws,
  );
  const correct = (greedyDraw ?? rng.float()) < competence;
  const mistake = correct ? null : pickMistake(checkpoint, rng, greedy);
  const phrasing = greedy ? 0 : rng.int(0, 2);
  const truth = String(problem.values[k - 1]);

  if (mistake === 'overlong')
    return { body: rambling(next, maxChars), tag: protocol.stepEnd, mistake };
  if (state.closed || state.boxed !== null) {
    // A flaw in the print or the answer step is a wrong value: what is printed or boxed.
    const printed = state.output ?? currentValue(found);
    const boxed = mistake === null ? printed : misread(printed, truth, rng);
    return { body: answerStepText(boxed), tag: protocol.answerEnd, mistake };
  }
  if (mistake === 'prematureAnswer') {
    let value = currentValue(found);
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
  if (mistake === 'flawed') {
    const lucky = rng.float() < checkpoint.policy.flawLuck;
    const body = flawedStepText(found, next, op, phrasing, lucky, rng);
    return { body, tag: protocol.stepEnd, mistake };
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

const RAMBLE = '# wait, let me recheck the previous total once more before going on\n';

/** A degenerate, repeating step longer than `maxChars`: always cut by max_tokens. */
function rambling(step: number, maxChars: number): string {
  const times = Math.ceil(maxChars / RAMBLE.length) + 1;
  return `\n# Step ${step}: let me think about this very carefully\n${RAMBLE.repeat(times)}`;
}
