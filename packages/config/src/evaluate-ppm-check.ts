import { PPM_MODES } from '@rstar-fleet/mcts';
import type { RoundPlan } from './compile-plan';
import type { EvaluatePlan } from './evaluate-plan';
import type { EvaluateInput } from './plan-schema';

type Report = (path: readonly PropertyKey[], message: string) => void;

/**
 * The models the plan's `evaluate:` runs on, as (evaluated round, plan round whose servers serve
 * them): round 0 is the starting models (round 1's), with `baseline`; after round r, when it has
 * a deploy hook, the models of round min(r + 1, N). The orchestrator resolves them the same way
 * (RoundEvaluator skips a round without a deploy hook; testTimeModels builds the next round's
 * manifest), and a hook's result renames a round's PPM but never adds one where the plan has none.
 */
function evaluatedModels(
  evaluate: EvaluatePlan,
  rounds: readonly RoundPlan[],
): { evaluated: number; plan: RoundPlan }[] {
  const last = rounds.length;
  const at = (r: number): RoundPlan | undefined => rounds[Math.min(r, last) - 1];
  const out: { evaluated: number; plan: RoundPlan }[] = [];
  const start = at(1);
  if (evaluate.baseline && start !== undefined) out.push({ evaluated: 0, plan: start });
  for (const round of rounds) {
    const next = at(round.round + 1);
    if (round.hooks.deploy !== null && next !== undefined) {
      out.push({ evaluated: round.round, plan: next });
    }
  }
  return out;
}

/**
 * A mode that scores with the PPM (System 2, best-of-N, beam) needs one in every set of models the
 * plan evaluates; otherwise the evaluation would fail only once the run reaches it (after hours
 * of search). Reported at the mode (or at `evaluate.modes` when the default modes apply).
 */
export function checkEvaluatePpm(
  input: EvaluateInput,
  evaluate: EvaluatePlan,
  rounds: readonly RoundPlan[],
  issue: Report,
): void {
  const without = evaluatedModels(evaluate, rounds).filter((m) => m.plan.ppm === null);
  if (without.length === 0) return;
  const evaluated = without.map((m) => m.evaluated).join(', ');
  const planRounds = [...new Set(without.map((m) => m.plan.round))].join(', ');
  for (const { mode } of evaluate.modes) {
    if (!PPM_MODES.includes(mode)) continue;
    const index = input.modes?.indexOf(mode);
    const path = index === undefined ? ['evaluate', 'modes'] : ['evaluate', 'modes', index];
    issue(
      path,
      `${mode} scores with a PPM, and the models evaluated at round(s) ${evaluated} have none ` +
        `(plan round(s) ${planRounds} configure no ppm): give ppm (endpoints, model) in ` +
        `defaults: or those rounds, or evaluate without ${mode}`,
    );
  }
}
