import { z } from 'zod';
import {
  REWARD_DIALECTS,
  REWARD_TRANSFORMS,
  type RewardDialectName,
  type RewardTransformName,
} from '@rstar-fleet/protocol';
import { commonShape, uniqueNames, type CommonClientOptions } from './common';
import { parseOptions } from './validate';

export interface RewardClientOptions extends CommonClientOptions {
  /** Default `vllm-classify`. */
  dialect?: RewardDialectName;
  /** Model name sent as `model`. Required. */
  model: string;
  /** Raw output → score. Default `tanh5` (rStar-Math: tanh(x/5)). */
  transform?: RewardTransformName;
  /** Entry of the output vector holding the score: 0 for a 1-label head (default), 1 for p_pos of a 2-label PRM. */
  scoreIndex?: number;
  /** vLLM `use_activation`. Default false: the raw logit comes back for `tanh5`. */
  useActivation?: boolean;
  /** vLLM `/pooling` task. Default `classify`. */
  poolingTask?: string;
  /** Prefixes per HTTP call; larger batches are split and sent concurrently. Default 64. */
  maxBatchSize?: number;
}

const rewardSchema = z
  .strictObject({
    ...commonShape,
    dialect: z.enum(REWARD_DIALECTS).default('vllm-classify'),
    model: z.string().min(1),
    transform: z.enum(REWARD_TRANSFORMS).default('tanh5'),
    scoreIndex: z.number().int().min(0).default(0),
    useActivation: z.boolean().default(false),
    poolingTask: z.string().min(1).default('classify'),
    maxBatchSize: z.number().int().min(1).max(100_000).default(64),
  })
  .superRefine(uniqueNames);

export type CompiledRewardOptions = z.output<typeof rewardSchema>;

export function compileRewardOptions(options: RewardClientOptions): CompiledRewardOptions {
  return parseOptions(rewardSchema, options, 'reward client options');
}
