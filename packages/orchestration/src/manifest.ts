import { hookResultSchema, planRound, type HookResult, type RunPlan } from '@rstar-fleet/config';
import {
  RstarError,
  parseRoundManifest,
  resolveEndpoint,
  ROUND_MANIFEST_VERSION,
  type Endpoint,
  type EndpointInput,
  type RoundManifest,
  type RoundPhase,
} from '@rstar-fleet/protocol';
import { readIfExists, roundDir, type ArtifactStore } from '@rstar-fleet/store';
import type { HookOutcome } from './run-state';

export function manifestKey(run: string, round: number): string {
  return `${roundDir(run, round)}/round.json`;
}

/** Trees per problem in an escalation phase (phase k ≥ 1 re-searches what is still unsolved). */
const ESCALATION_TREES = 1;

export interface RoundManifestInput {
  plan: RunPlan;
  run: string;
  /** 1-based round. */
  round: number;
  /**
   * What the previous round's hooks reported, train then deploy (none for round 1): each
   * succeeded hook's result overrides the round's models, the later one winning, and the
   * endpoints only when the hook names them.
   */
  previousHooks: readonly (HookOutcome | null)[];
  /** Phase 0's shards and problems (round 1: the ingest's; later rounds: re-sharded). */
  phase0: { shards: number; problems: number };
}

/**
 * The one function that resolves a round: the compiled plan's round (every default applied
 * there) plus the previous round's hook results, as the manifest the workers read. Nothing else
 * decides a round's settings; everything after reads the manifest.
 */
export function buildRoundManifest(input: RoundManifestInput): RoundManifest {
  const { plan, run, round } = input;
  const r = planRound(plan, round);
  let policy = { ...r.policy, endpoints: [...r.policy.endpoints] };
  // A round planned without a PPM does not search with one: a hook's PPM does not change that.
  let ppm = r.ppm === null ? null : { ...r.ppm, endpoints: [...r.ppm.endpoints] };
  for (const reported of hookResults(input.previousHooks)) {
    if (reported.policy !== undefined) policy = reportedModel(policy, reported.policy);
    if (reported.ppm !== undefined && ppm !== null) ppm = reportedModel(ppm, reported.ppm);
  }
  const { rollouts, trees, ...search } = r.search;
  return {
    v: ROUND_MANIFEST_VERSION,
    run,
    round,
    policy,
    ppm,
    sandbox: { addresses: [...plan.sandbox.addresses] },
    search: { ...search, escalation: [...search.escalation] },
    sampling: { ...r.sampling },
    shards: { size: r.shardSize, maxFailedShare: r.maxFailedShardShare },
    phases: [{ phase: 0, rollouts, trees, firstShard: 0, ...input.phase0 }],
  };
}

/** The results of the hooks that succeeded and named models, in order. */
function hookResults(hooks: readonly (HookOutcome | null)[]): HookResult[] {
  return hooks.flatMap((hook) => {
    if (hook?.status !== 'succeeded' || hook.result === null) return [];
    const parsed = hookResultSchema.safeParse(hook.result);
    return parsed.success ? [parsed.data] : [];
  });
}

function reportedModel<T extends { model: string; endpoints: Endpoint[] }>(
  current: T,
  reported: { model: string; endpoints?: EndpointInput[] | undefined },
): T {
  return {
    ...current,
    model: reported.model,
    endpoints: reported.endpoints?.map(resolveEndpoint) ?? current.endpoints,
  };
}

/**
 * The manifest with escalation phase `phase` appended (its shards already written): one tree
 * per problem, the round's `escalation[phase - 1]` rollouts.
 */
export function withEscalationPhase(
  manifest: RoundManifest,
  phase: number,
  layout: Pick<RoundPhase, 'firstShard' | 'shards' | 'problems'>,
): RoundManifest {
  const rollouts = manifest.search.escalation[phase - 1];
  if (rollouts === undefined) {
    throw new RstarError('INTERNAL', `round ${manifest.round} has no escalation phase ${phase}`);
  }
  const planned: RoundPhase = { phase, rollouts, trees: ESCALATION_TREES, ...layout };
  return { ...manifest, phases: [...manifest.phases, planned] };
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
