import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';

/** `rstar-fleet demo` settings, validated once from the command-line flags. */
export const demoOptionsSchema = z.object({
  /** Toy problems to search. */
  problems: z.number().int().min(1).max(100_000).default(200),
  /** MCTS rollouts per problem (rStar rounds 2–4: 16). */
  rollouts: z.number().int().min(1).max(1024).default(16),
  /** Candidates sampled per expansion (rStar rounds 2–3: 8). */
  candidates: z.number().int().min(1).max(64).default(8),
  /** Problems searched concurrently. */
  parallel: z.number().int().min(1).max(1024).default(16),
  /** Probability that the toy policy's step is correct: lower = harder. */
  skill: z.number().min(0).max(1).default(0.45),
  seed: z.number().int().min(0).default(0),
  /** Directory that receives `<run id>/<mode>/...`. */
  out: z.string().min(1).default('runs'),
});

export type DemoOptions = z.infer<typeof demoOptionsSchema>;

export function parseDemoOptions(raw: Record<string, unknown>): DemoOptions {
  const parsed = demoOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new InvalidInputError(issue?.message ?? 'invalid option', { field: `--${field}` });
  }
  return parsed.data;
}
