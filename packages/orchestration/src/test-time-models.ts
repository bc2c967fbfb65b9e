import type { RunPlan } from '@rstar-fleet/config';
import type { RoundManifest } from '@rstar-fleet/protocol';
import { buildRoundManifest } from './manifest';
import type { RunState } from './run-state';

/** The models, endpoints, sandboxes and sampling a test-time search of a plan's run uses. */
export interface TestTimeModels {
  readonly models: Pick<RoundManifest, 'policy' | 'ppm' | 'sandbox' | 'sampling'>;
  /** Where they come from, for the user (`round 2's deployed models`, `the plan's round 1`). */
  readonly source: string;
}

/**
 * Which models `solve` (and later `eval`) asks about a plan: the newest models the run deployed
 * — the last round whose deploy hook succeeded, resolved exactly as the next round's manifest
 * would resolve them (buildRoundManifest, capped at the plan's last round) — or, when the run
 * has deployed nothing (or does not exist), the plan's round-1 models.
 */
export function testTimeModels(plan: RunPlan, run: string, state: RunState | null): TestTimeModels {
  const deployed = [...(state?.rounds ?? [])]
    .reverse()
    .find((r) => r.hooks.deploy?.status === 'succeeded');
  const round = deployed === undefined ? 1 : Math.min(deployed.round + 1, plan.rounds.length);
  const manifest = buildRoundManifest({
    plan,
    run,
    round,
    previousHooks: deployed === undefined ? [] : [deployed.hooks.train, deployed.hooks.deploy],
    phase0: { shards: 0, problems: 0 },
  });
  return {
    models: {
      policy: manifest.policy,
      ppm: manifest.ppm,
      sandbox: manifest.sandbox,
      sampling: manifest.sampling,
    },
    source:
      deployed === undefined
        ? `the plan's round 1 (run ${run} has deployed no models)`
        : `run ${run}, round ${deployed.round}'s deployed models`,
  };
}
