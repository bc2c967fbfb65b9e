import { OP_SPECS, parseRational, type Op, type SynthRng } from '@rstar-fleet/corpus';
import { currentValue, type Recovered } from './recover';

// A wrong constant must move the step's value by more than the largest crate size, or a later
// remainder step (which floors to a multiple of it) could map the wrong value back onto the
// right one and let a wrong step reach the right answer.
export const MIN_VALUE_ERROR = 13;

/** The operation with one constant wrong, chosen so that the step's value really differs. */
export function wrongConstant(op: Op, found: Recovered, rng: SynthRng): Op {
  const prev = parseRational(currentValue(found));
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
