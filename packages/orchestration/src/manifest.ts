import type { RoundPlan, RunPlan } from '@rstar-fleet/config';
import { hookResultSchema } from '@rstar-fleet/config';
import {
  NotFoundError,
  parseRoundManifest,
  ROUND_MANIFEST_VERSION,
  type RoundManifest,
} from '@rstar-fleet/protocol';
import { readIfExists, roundDir, type ArtifactStore } from '@rstar-fleet/store';
import type { HookOutcome, RoundModels } from './run-state';

export function manifestKey(run: string, round: number): string {
  return `${roundDir(run, round)}/round.json`;
}

type EndpointInput = string | { url: string; name?: string | undefined };

function endpoints(list: readonly EndpointInput[]): { url: string; name: string }[] {
  return list.map((e) => {
    const url = typeof e === 'string' ? e : e.url;
    const name = typeof e === 'string' ? undefined : e.name;
    return { url, name: name ?? new URL(url).host };
  });
}

/** The plan's models of a round. */
export function planModels(round: RoundPlan): RoundModels {
  return {
    policy: { model: round.policy.model, endpoints: round.policy.endpoints.map((e) => ({ ...e })) },
    ppm:
      round.ppm === null
        ? null
        : { model: round.ppm.model, endpoints: round.ppm.endpoints.map((e) => ({ ...e })) },
  };
}

/**
 * The models of the round after `previous`: the plan's, overridden by what the previous round's
 * train hook and then deploy hook reported (the later report wins; endpoints only if given).
 */
export function nextModels(
  planned: RoundModels,
  hooks: readonly (HookOutcome | null)[],
): RoundModels {
  const out: RoundModels = {
    policy: { ...planned.policy },
    ppm: planned.ppm === null ? null : { ...planned.ppm },
  };
  for (const hook of hooks) {
    if (hook?.status !== 'succeeded' || hook.result === null) continue;
    const parsed = hookResultSchema.safeParse(hook.result);
    if (!parsed.success) continue;
    const { policy, ppm } = parsed.data;
    if (policy !== undefined) {
      out.policy = {
        model: policy.model,
        endpoints: policy.endpoints ? endpoints(policy.endpoints) : out.policy.endpoints,
      };
    }
    if (ppm !== undefined) {
      if (out.ppm !== null) {
        out.ppm = {
          model: ppm.model,
          endpoints: ppm.endpoints ? endpoints(ppm.endpoints) : out.ppm.endpoints,
        };
      } else if (ppm.endpoints !== undefined) {
        out.ppm = { model: ppm.model, endpoints: endpoints(ppm.endpoints) };
      }
    }
  }
  return out;
}

/** Round r's manifest with phase 0 only. */
export function buildManifest(
  plan: RunPlan,
  run: string,
  round: number,
  models: RoundModels,
  phase0: { shards: number; problems: number },
): RoundManifest {
  const r = plan.rounds[round - 1];
  if (r === undefined) throw new NotFoundError(`the plan has no round ${round}`);
  const ppmPlan = r.ppm;
  return {
    v: ROUND_MANIFEST_VERSION,
    run,
    round,
    policy: {
      model: models.policy.model,
      dialect: r.policy.dialect,
      endpoints: models.policy.endpoints,
    },
    ppm:
      models.ppm === null
        ? null
        : {
            model: models.ppm.model,
            dialect: ppmPlan?.dialect ?? 'vllm-classify',
            transform: ppmPlan?.transform ?? 'tanh5',
            endpoints: models.ppm.endpoints,
          },
    sandbox: { addresses: [...plan.sandbox.addresses] },
    search: { ...r.search, escalation: [...r.search.escalation] },
    sampling: { ...r.sampling },
    phases: [
      {
        phase: 0,
        rollouts: r.search.rollouts,
        trees: r.search.trees,
        firstShard: 0,
        shards: phase0.shards,
        problems: phase0.problems,
      },
    ],
  };
}

export async function readManifest(
  store: ArtifactStore,
  run: string,
  round: number,
): Promise<RoundManifest | null> {
  const key = manifestKey(run, round);
  const data = await readIfExists(store, key);
  if (data === null) return null;
  const text = data.toString('utf8');
  return parseRoundManifest(text, { source: key });
}

export async function writeManifest(store: ArtifactStore, manifest: RoundManifest): Promise<void> {
  await store.write(
    manifestKey(manifest.run, manifest.round),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
}
