import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';

/**
 * Synthetic problems of `rstar-fleet demo` by default. The paper's budgets cost about 2,000
 * sandbox executions and ~10 CPU-seconds per problem over the four rounds (round 4, with two
 * trees and the 64/128-rollout escalation of the unsolved, is three quarters of it), so the
 * issue's 2,000 problems would take hours on 2 cores. 40 finished in 241 s on a 2-core machine
 * (rounds 10 / 28 / 34 / 162 s, 94k sandbox executions).
 */
export const DEFAULT_DEMO_PROBLEMS = 40;

/**
 * Held-out problems of the demo's evaluation by default: with the demo's small test-time budgets
 * (demo-evaluate.ts) its five evaluations add about half to the default run's time.
 */
export const DEFAULT_DEMO_EVAL_PROBLEMS = 40;

/** `rstar-fleet demo` settings, validated once from the command-line flags. */
export const demoOptionsSchema = z.object({
  /** Synthetic problems in the corpus (every round searches all of them). */
  problems: z.number().int().min(1).max(100_000).default(DEFAULT_DEMO_PROBLEMS),
  /** Rounds of self-evolution to run (the paper's plan has four). */
  rounds: z.number().int().min(1).max(4).default(4),
  /** Rollout worker processes. */
  workers: z.number().int().min(1).max(32).default(2),
  /** Synthetic family and search seed (1 is the seed the simulator was calibrated on). */
  seed: z.number().int().min(0).default(1),
  /**
   * Held-out synthetic problems each round's models are evaluated on (the plan's `evaluate:`,
   * rounds 0..N, greedy and System 2); 0 = no evaluation.
   */
  evalProblems: z.number().int().min(0).max(100_000).default(DEFAULT_DEMO_EVAL_PROBLEMS),
  /** Artifact store directory: the run lands in `<out>/runs/<run id>/`. */
  out: z.string().min(1).default('.'),
});

export type DemoOptions = z.infer<typeof demoOptionsSchema>;

export function parseDemoOptions(raw: Record<string, unknown>): DemoOptions {
  const parsed = demoOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    // The flag as typed: commander camel-cases `--eval-problems` into `evalProblems`.
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new InvalidInputError(issue?.message ?? 'invalid option', { field: `--${flag}` });
  }
  return parsed.data;
}
