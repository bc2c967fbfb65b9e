import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';

/** `rstar-fleet demo` settings, validated once from the command-line flags. */
export const demoOptionsSchema = z.object({
  /** Synthetic problems searched in every round. */
  problems: z.number().int().min(1).max(100_000).default(300),
  /** Rounds of self-evolution to run (the paper's plan has four). */
  rounds: z.number().int().min(1).max(4).default(4),
  /** Synthetic family and search seed (1 is the seed the simulator was calibrated on). */
  seed: z.number().int().min(0).default(1),
  /** Directory that receives `<run id>/round-<r>/...`. */
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
