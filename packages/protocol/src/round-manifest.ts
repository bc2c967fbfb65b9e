import { z } from 'zod';
import { InvalidInputError, type InputLocation } from './errors';

/**
 * The settings of one round as the orchestrator resolved them (the plan's round plus the models
 * the previous round's hooks reported), written to `runs/<run>/round-<r>/round.json` before any
 * shard job of the round is enqueued. Workers read it by key; escalation phases are appended
 * (the file is rewritten atomically) before their shards are enqueued.
 */
export const ROUND_MANIFEST_VERSION = 1;

const endpoint = z.strictObject({ url: z.string().url(), name: z.string().min(1) });

export const RoundManifestSchema = z.strictObject({
  v: z.literal(ROUND_MANIFEST_VERSION),
  run: z.string().min(1),
  round: z.number().int().min(1),
  policy: z.strictObject({
    model: z.string().min(1),
    dialect: z.enum(['vllm', 'sglang', 'llamacpp', 'openai']),
    endpoints: z.array(endpoint).min(1),
  }),
  ppm: z
    .strictObject({
      model: z.string().min(1),
      dialect: z.enum(['vllm-classify', 'vllm-pooling', 'sglang-classify']),
      transform: z.enum(['tanh5', 'identity', 'sigmoid']),
      endpoints: z.array(endpoint).min(1),
    })
    .nullable(),
  sandbox: z.strictObject({ addresses: z.array(z.string().min(1)).min(1) }),
  search: z.strictObject({
    mode: z.enum(['mcts', 'beam']),
    rollouts: z.number().int().min(1),
    candidates: z.number().int().min(1),
    maxDepth: z.number().int().min(1),
    c: z.number().min(0),
    qRule: z.enum(['terminal', 'ppm']),
    trees: z.number().int().min(1),
    seed: z.number().int().min(0),
    beamWidth: z.number().int().min(1),
    escalation: z.array(z.number().int().min(1)),
  }),
  sampling: z.strictObject({
    temperature: z.number().min(0),
    topP: z.number().gt(0).max(1),
    maxTokens: z.number().int().min(1),
  }),
  /** Phase 0 is the round's own search; phase k ≥ 1 re-searches unsolved problems. */
  phases: z
    .array(
      z.strictObject({
        phase: z.number().int().min(0),
        /** MCTS rollouts per tree in this phase. */
        rollouts: z.number().int().min(1),
        /** Trees per problem in this phase. */
        trees: z.number().int().min(1),
        /** Shard indices [firstShard, firstShard + shards). */
        firstShard: z.number().int().min(0),
        shards: z.number().int().min(0),
        problems: z.number().int().min(0),
      }),
    )
    .min(1),
});
export type RoundManifest = z.infer<typeof RoundManifestSchema>;
export type RoundPhase = RoundManifest['phases'][number];

export function parseRoundManifest(text: string, where: InputLocation): RoundManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError('round manifest is not valid JSON', where, { cause });
  }
  const parsed = RoundManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.');
    throw new InvalidInputError(`round manifest: ${issue?.message ?? 'invalid'}`, {
      ...where,
      ...(field ? { field } : {}),
    });
  }
  return parsed.data;
}

/** The phase that shard `shard` belongs to; null when the manifest has no such shard yet. */
export function phaseOfShard(manifest: RoundManifest, shard: number): RoundPhase | null {
  return (
    manifest.phases.find((p) => shard >= p.firstShard && shard < p.firstShard + p.shards) ?? null
  );
}
