import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';

/**
 * Request bodies, vLLM field names. Unknown fields are accepted and ignored (vLLM warns and
 * ignores them too); fields the simulator cannot honour are refused by name.
 */
const stringOrList = z.union([z.string(), z.array(z.string()).min(1).max(1024)]);

export const completionRequestSchema = z.looseObject({
  model: z.string().nullish(),
  prompt: stringOrList,
  n: z.number().int().min(1).max(1024).default(1),
  /** vLLM's default is 16; null = up to the context limit. */
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(100).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.number().int().nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(64)]).nullish(),
  include_stop_str_in_output: z.boolean().nullish(),
  /**
   * Sent by the fleet's vLLM dialect (`false`: the trained step tags are special tokens). The
   * simulator's tags are plain text, so either value gives the same text; the types are checked
   * as vLLM checks them.
   */
  skip_special_tokens: z.boolean().nullish(),
  spaces_between_special_tokens: z.boolean().nullish(),
  best_of: z
    .number()
    .int()
    .nullish()
    .refine((v) => v === null || v === undefined || v === 1, 'best_of is not supported (vLLM V1)'),
  stream: z
    .boolean()
    .nullish()
    .refine((v) => v !== true, 'streaming is not supported by the simulator'),
  logprobs: z
    .number()
    .int()
    .nullish()
    .refine((v) => v === null || v === undefined, 'logprobs are not simulated'),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

export const poolingRequestSchema = z.looseObject({
  model: z.string().nullish(),
  input: stringOrList,
  /** `/pooling` only; the simulated PPM is a sequence classifier (LAST pooling). */
  task: z.enum(['classify', 'reward', 'score']).nullish(),
  /** Default false here: the PPM is served with the activation off, the raw logit returned. */
  use_activation: z.boolean().nullish(),
});
export type PoolingRequest = z.infer<typeof poolingRequestSchema>;

export const loadRequestSchema = z.strictObject({
  /** A checkpoint file path on the server, or the checkpoint itself. */
  checkpoint: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
});

/** Validates a body; the error names the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, request: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  throw new InvalidInputError(issue?.message ?? 'invalid request', { source: request, field });
}
