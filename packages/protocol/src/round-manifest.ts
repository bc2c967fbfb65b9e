import { z } from 'zod';
import {
  POLICY_DIALECTS,
  Q_RULES,
  REWARD_DIALECTS,
  REWARD_TRANSFORMS,
  SEARCH_MODES,
} from './dialects';
import { EndpointSchema } from './endpoint';
import type { InputLocation } from './errors';
import { parseVersionedJson } from './versioned-json';

/**
 * The resolved form of one round, and the only one: the compiled plan's round with the models
 * (and endpoints) the previous round's hooks reported, built by one function (the
 * orchestrator's buildRoundManifest) and written to `runs/<run>/round-<r>/round.json` before any
 * shard job of the round is enqueued. Workers read it by key and nothing else for a round's
 * settings; run.json records progress only and refers to it. Every default was applied when the
 * plan was compiled: nothing here is optional. Escalation phases are appended (the file is
 * rewritten atomically) before their shards are enqueued.
 *
 * Version 2: the per-phase budget (rollouts, trees) is in `phases` only (version 1 also had it
 * in `search`), and the round's shard settings are in `shards`. Version 3: `search` has
 * `errorsThreshold`.
 */
export const ROUND_MANIFEST_VERSION = 3;

const positive = z.number().int().min(1);
const count = z.number().int().min(0);
const endpoints = z.array(EndpointSchema).min(1);

export const RoundPhaseSchema = z.strictObject({
  /** 0 is the round's own search; k ≥ 1 re-searches the problems still unsolved. */
  phase: count,
  /** MCTS rollouts per tree in this phase. */
  rollouts: positive,
  /** Trees per problem in this phase. */
  trees: positive,
  /** Shard indices [firstShard, firstShard + shards). */
  firstShard: count,
  shards: count,
  problems: count,
});
export type RoundPhase = z.infer<typeof RoundPhaseSchema>;

export const RoundPolicySchema = z.strictObject({
  model: z.string().min(1),
  dialect: z.enum(POLICY_DIALECTS),
  endpoints,
});
export type RoundPolicy = z.infer<typeof RoundPolicySchema>;

export const RoundPpmSchema = z.strictObject({
  model: z.string().min(1),
  dialect: z.enum(REWARD_DIALECTS),
  transform: z.enum(REWARD_TRANSFORMS),
  endpoints,
});
export type RoundPpm = z.infer<typeof RoundPpmSchema>;

/** Search settings shared by every phase of the round (the budget of each phase is its own). */
export const RoundSearchSchema = z.strictObject({
  mode: z.enum(SEARCH_MODES),
  candidates: positive,
  /** Code steps per solution; an answer may still follow the last (rStar's count). */
  maxDepth: positive,
  /** Failed code steps in a row that end a branch (rStar's errors_threshold). */
  errorsThreshold: positive,
  c: z.number().min(0),
  qRule: z.enum(Q_RULES),
  seed: count,
  beamWidth: positive,
  /** Rollout budgets of the escalation phases still to come: phase k ≥ 1 uses escalation[k-1]. */
  escalation: z.array(positive),
});
export type RoundSearch = z.infer<typeof RoundSearchSchema>;

export const RoundSamplingSchema = z.strictObject({
  temperature: z.number().min(0),
  topP: z.number().gt(0).max(1),
  maxTokens: positive,
});
export type RoundSampling = z.infer<typeof RoundSamplingSchema>;

export const RoundManifestSchema = z.strictObject({
  v: z.literal(ROUND_MANIFEST_VERSION),
  run: z.string().min(1),
  round: positive,
  policy: RoundPolicySchema,
  ppm: RoundPpmSchema.nullable(),
  sandbox: z.strictObject({ addresses: z.array(z.string().min(1)).min(1) }),
  search: RoundSearchSchema,
  sampling: RoundSamplingSchema,
  shards: z.strictObject({
    /** Problems per shard file (escalation phases are cut to this size too). */
    size: positive,
    /** Share of the round's shards (0–1) that may fail for good while it still completes. */
    maxFailedShare: z.number().min(0).max(1),
  }),
  phases: z.array(RoundPhaseSchema).min(1),
});
export type RoundManifest = z.infer<typeof RoundManifestSchema>;

/**
 * Reads a manifest's text. A manifest of another version is refused (VersionMismatchError,
 * naming the file and what to do); anything else wrong is an InvalidInputError naming the field.
 */
export function parseRoundManifest(text: string, where: InputLocation): RoundManifest {
  return parseVersionedJson(text, where, {
    what: 'round manifest',
    schema: RoundManifestSchema,
    version: ROUND_MANIFEST_VERSION,
  });
}

/** The phase that shard `shard` belongs to; null when the manifest has no such shard yet. */
export function phaseOfShard(manifest: RoundManifest, shard: number): RoundPhase | null {
  return (
    manifest.phases.find((p) => shard >= p.firstShard && shard < p.firstShard + p.shards) ?? null
  );
}
