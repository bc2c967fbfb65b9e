import type { RunPlan } from '@rstar-fleet/config';
import type { RoundManifest } from '@rstar-fleet/protocol';
import { buildRoundManifest } from './manifest';
import type { RoundState, RunState } from './run-state';
import { UndeployedRoundError } from './undeployed-round-error';

/** The models, endpoints, sandboxes and sampling a test-time search of a plan's run uses. */
export interface TestTimeModels {
  readonly models: Pick<RoundManifest, 'policy' | 'ppm' | 'sandbox' | 'sampling'>;
  /** Whose models: the round whose deploy hook deployed them; 0 = the plan's round-1 models. */
  readonly round: number;
  /** Where they come from, for the user (`round 2's deployed models`, `the plan's round 1`). */
  readonly source: string;
}

/**
 * Which models a test-time search (`solve`, `eval`) asks about a plan. `round` 0 is the plan's
 * round-1 models (the starting point); r ≥ 1 the models round r's hooks deployed (its deploy hook
 * must have succeeded, or the round be done without one: UndeployedRoundError otherwise); none: the newest models the run deployed,
 * or the plan's round-1 models when it deployed nothing (or does not exist). Deployed models are
 * resolved exactly as the next round's manifest resolves them (buildRoundManifest, capped at the
 * plan's last round).
 */
export function testTimeModels(
  plan: RunPlan,
  run: string,
  state: RunState | null,
  round?: number,
): TestTimeModels {
  const deployed = deployedRound(run, state, round);
  const next = deployed === null ? 1 : Math.min(deployed.round + 1, plan.rounds.length);
  const manifest = buildRoundManifest({
    plan,
    run,
    round: next,
    previousHooks: deployed === null ? [] : [deployed.hooks.train, deployed.hooks.deploy],
    phase0: { shards: 0, problems: 0 },
  });
  return {
    models: {
      policy: manifest.policy,
      ppm: manifest.ppm,
      sandbox: manifest.sandbox,
      sampling: manifest.sampling,
    },
    round: deployed?.round ?? 0,
    source:
      deployed !== null
        ? `run ${run}, round ${deployed.round}'s deployed models`
        : round === 0
          ? "the plan's round 1 (round 0: the starting models)"
          : `the plan's round 1 (run ${run} has deployed no models)`,
  };
}

function deployedRound(run: string, state: RunState | null, round?: number): RoundState | null {
  if (round === 0) return null;
  if (round === undefined) {
    return (
      [...(state?.rounds ?? [])].reverse().find((r) => r.hooks.deploy?.status === 'succeeded') ??
      null
    );
  }
  const r = state?.rounds.find((x) => x.round === round);
  if (r === undefined) {
    throw new UndeployedRoundError(run, round, state === null ? 'no such run' : 'no such round');
  }
  const deploy = r.hooks.deploy;
  // A finished round without a deploy hook (models named per round in the plan) counts too.
  const finishedWithoutHook = deploy === null && r.status === 'done';
  if (deploy?.status !== 'succeeded' && !finishedWithoutHook) {
    throw new UndeployedRoundError(run, round, `deploy hook ${deploy?.status ?? 'not run'}`);
  }
  return r;
}
