import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SKILLS } from '@rstar-fleet/corpus';
import { InvalidInputError, NotFoundError, RstarError } from '@rstar-fleet/protocol';
import { gpuCostSchema } from './gpu/cost-model';

/** Competence keys: the six skills of the synthetic family plus `closing` (print + answer). */
export const COMPETENCE_KEYS = [...SKILLS, 'closing'] as const;
export type CompetenceKey = (typeof COMPETENCE_KEYS)[number];

const probability = z.number().min(0).max(1);
const weight = z.number().min(0);

export const MISTAKES = [
  'wrongConstant',
  'raises',
  'prematureAnswer',
  'overlong',
  'flawed',
] as const;
export type Mistake = (typeof MISTAKES)[number];

/**
 * A simulated checkpoint: everything that makes one simulated "model" differ from another.
 * JSON on disk, validated once at load; unknown keys are rejected so a typo cannot be ignored.
 */
export const checkpointSchema = z.strictObject({
  format: z.literal('rstar-fleet/model-sim-checkpoint@1'),
  /** Shown in model ids: `sim-policy-<name>`, `sim-ppm-<name>`. */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** Keys the simulator's noise (PPM) and mixes into every sampling seed. */
  seed: z.number().int().min(0).max(0xffff_ffff),
  policy: z.strictObject({
    /** Probability that a sampled step of each skill is correct. */
    competence: z.strictObject(
      Object.fromEntries(COMPETENCE_KEYS.map((k) => [k, probability])) as Record<
        CompetenceKey,
        typeof probability
      >,
    ),
    /** Competence lost per step of depth beyond the first (long chains are harder). */
    depthPenalty: z.number().min(0).max(0.2),
    /**
     * Relative weights of the mistakes made instead of a correct step. `flawed` (default 0, as
     * checkpoints written before it existed) is a code step written the wrong way: a guessed
     * value, two errors that cancel, a stray wrong line (flaws.ts); with `flawLuck` its value is
     * still the right one, so the trajectory can end right with an unsound step inside.
     */
    mistakes: z.strictObject({
      ...(Object.fromEntries(MISTAKES.map((k) => [k, weight])) as Record<Mistake, typeof weight>),
      flawed: weight.default(0),
    }),
    /** Probability that a flawed step's value comes out right anyway (a lucky flaw). */
    flawLuck: probability.default(0),
    /**
     * Competence lost by every later step per code step already written the wrong way (a flaw,
     * or any other code mistake; flaws.ts `deviatingSteps`): a model that guessed once is less
     * reliable downstream, so lucky flaws lead to wrong answers more often than sound steps do —
     * what step-level Q-values can see. (After a wrong value the answer is wrong anyway.)
     */
    flawPenalty: z.number().min(0).max(1).default(0),
  }),
  ppm: z.strictObject({
    /** Standard deviation of the Gaussian noise added to the PPM's true value (tanh scale). */
    noise: z.number().min(0).max(5),
    /**
     * How well the PPM sees a lucky flaw (0–1): a prefix whose values are all right but that
     * holds a flawed step scores `confidence × (1 − 2·flawSight)` — as sound at 0, as off the
     * path at 1. Learnt from pairs that rank a sound step over a lucky flaw (train.ts).
     */
    flawSight: probability.default(0),
  }),
  training: z.strictObject({
    /** The best competence training can reach. */
    ceiling: probability,
    /** What a student model does on a skill without useful data (training's lower bound). */
    floor: probability,
    /** Share of the gap between the competence and what the SFT data supports closed per training. */
    sftRate: probability,
    /** SFT steps of a skill per problem searched at which its coverage is 1 − 1/e. */
    sftScale: z.number().positive(),
    /** Target competence = ceiling × purity^purityExponent. */
    purityExponent: z.number().min(0).max(20),
    /** Share of the gap between the noise and what the pairs support closed per training. */
    ppmRate: probability,
    /** Rankable pairs per problem searched at which their coverage is 1 − 1/e. */
    ppmScale: z.number().positive(),
    /** PPM noise reached with perfectly labelled, fully covered pairs. */
    minNoise: z.number().min(0).max(5),
    /** PPM noise reached with pairs no better than chance. */
    maxNoise: z.number().min(0).max(5),
    /**
     * Pairs ranking a sound step against a step written the wrong way, per problem searched, at
     * which the coverage of the PPM's flaw sight is 1 − 1/e.
     */
    sightScale: z.number().positive().default(1),
  }),
  latency: z.strictObject({
    /** Time to first token (prefill), milliseconds. */
    ttftMs: z.number().min(0).max(600_000),
    /** Time per generated token (decode), milliseconds. */
    perTokenMs: z.number().min(0).max(10_000),
    /** Sequences decoded at once; more wait in a FIFO queue (vLLM `max_num_seqs`). */
    maxNumSeqs: z.number().int().min(1).max(1_000_000),
    /** KV-cache capacity in tokens, for `vllm:kv_cache_usage_perc` (and the GPU model's cache). */
    kvCacheTokens: z.number().int().min(1),
    /**
     * The token-level GPU cost model (`gpu/cost-model.ts`; presets in `gpu/presets.ts`). When
     * set, it replaces `ttftMs`/`perTokenMs`: prefill, prefix cache, decode batches, preemption.
     */
    gpu: gpuCostSchema.optional(),
  }),
  /** Context window: prompt tokens + max_tokens above it is a 400, as in vLLM. */
  maxModelLen: z.number().int().min(16),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * The bootstrap checkpoint r0 (the stand-in for round 1's large prompted model). Its numbers are
 * calibrated so that the four-round loop of the simulator reproduces the shape of the paper's
 * Table 2 (see README: calibration); every later checkpoint is r0 plus simulated training.
 */
export const DEFAULT_CHECKPOINT: Checkpoint = Object.freeze({
  format: 'rstar-fleet/model-sim-checkpoint@1',
  name: 'r0',
  seed: 0,
  policy: {
    competence: {
      rates: 0.93,
      fractions: 0.85,
      percentages: 0.85,
      remainders: 0.81,
      units: 0.93,
      equations: 0.83,
      closing: 0.94,
    },
    depthPenalty: 0.03,
    // An answer written in the middle of a code block is rare for a model prompted to compute
    // first; under answer collapse (rStar's default) one such sample discards every sibling of
    // its expansion, so its weight decides how often a whole node is lost.
    mistakes: {
      wrongConstant: 0.4,
      raises: 0.15,
      prematureAnswer: 0.02,
      overlong: 0.15,
      flawed: 0.3,
    },
    flawLuck: 0.8,
    flawPenalty: 0.25,
  },
  // The bootstrap has no trained PPM: its scores are close to coin flips.
  ppm: { noise: 3, flawSight: 0 },
  training: {
    ceiling: 0.95,
    floor: 0.45,
    sftRate: 0.8,
    sftScale: 0.7,
    purityExponent: 2,
    ppmRate: 0.7,
    ppmScale: 2.5,
    minNoise: 0.5,
    maxNoise: 3.2,
    sightScale: 1,
  },
  latency: { ttftMs: 0, perTokenMs: 0, maxNumSeqs: 256, kvCacheTokens: 500_000 },
  maxModelLen: 4096,
});

/** Validates a parsed checkpoint; errors name the field and the source. */
export function parseCheckpoint(value: unknown, source = 'checkpoint'): Checkpoint {
  const parsed = checkpointSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidInputError(issue?.message ?? 'invalid checkpoint', {
    source,
    field: issue?.path.join('.') || undefined,
  });
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`checkpoint ${path} does not exist`, { cause: err });
    }
    throw new RstarError('UNAVAILABLE', `cannot read checkpoint ${path}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError('not valid JSON', { source: path }, { cause: err });
  }
  return parseCheckpoint(json, path);
}

export const policyModelId = (c: Checkpoint): string => `sim-policy-${c.name}`;
export const ppmModelId = (c: Checkpoint): string => `sim-ppm-${c.name}`;
