import { z } from 'zod';
import { POLICY_DIALECTS, type PolicyDialectName } from '@rstar-fleet/protocol';
import { commonShape, uniqueNames, type CommonClientOptions } from './common';
import { parseOptions } from './validate';

/** Sampling settings, all sent explicitly on every request. */
export interface SamplingOptions {
  /** Default 0.7 (rStar-Math's sampling config). */
  temperature?: number;
  /** Default 1 (no nucleus cut). */
  topP?: number;
  /** Default -1 (disabled). */
  topK?: number;
  /** Default 0 (disabled). */
  minP?: number;
  /** Token cap per step. Default 2048 (rStar-Math); a cut step comes back as `length`. */
  maxTokens?: number;
  /** Default 1 (none); Qwen checkpoints' generation_config sets 1.05 otherwise. */
  repetitionPenalty?: number;
}

export interface PolicyClientOptions extends CommonClientOptions {
  /** Server kind of every endpoint. Default `vllm`. */
  dialect?: PolicyDialectName;
  /** Model name sent as `model` (llama.cpp ignores it). Required. */
  model: string;
  sampling?: SamplingOptions;
  /**
   * Send n single requests (seeds seed, seed+1, …) instead of one request with `n`. Default:
   * false for vllm, sglang and llamacpp (llamacpp sends `n_cmpl` only while n is at most the
   * server's parallel slots, and fans out otherwise), true for openai (many such servers lack
   * `n`).
   */
  fanOut?: boolean;
}

const policySchema = z
  .strictObject({
    ...commonShape,
    dialect: z.enum(POLICY_DIALECTS).default('vllm'),
    model: z.string().min(1),
    sampling: z
      .strictObject({
        temperature: z.number().min(0).max(10).default(0.7),
        topP: z.number().gt(0).max(1).default(1),
        topK: z.number().int().min(-1).default(-1),
        minP: z.number().min(0).max(1).default(0),
        maxTokens: z.number().int().min(1).max(1_000_000).default(2048),
        repetitionPenalty: z.number().gt(0).max(10).default(1),
      })
      .prefault({}),
    fanOut: z.boolean().optional(),
  })
  .superRefine(uniqueNames);

export type CompiledPolicyOptions = z.output<typeof policySchema> & { fanOut: boolean };

/** Validates once; errors name the field (`policy.endpoints[1].url`). */
export function compilePolicyOptions(options: PolicyClientOptions): CompiledPolicyOptions {
  const parsed = parseOptions(policySchema, options, 'policy client options');
  const fanOut = parsed.fanOut ?? parsed.dialect === 'openai';
  return { ...parsed, fanOut };
}
