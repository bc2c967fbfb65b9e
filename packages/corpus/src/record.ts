import { z } from 'zod';

/**
 * One problem of the corpus, whatever file layout it came from: the unit the orchestrator shards
 * and the rollout workers search. `answer` is the reference the grader compares terminal answers
 * with.
 */
export const ProblemRecordSchema = z.object({
  /** Stable across runs: `<dataset>-<source id>` or `<dataset>-h<hash of the problem text>`. */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/),
  problem: z.string().trim().min(1),
  answer: z.string().trim().min(1),
  /** The dataset label, refined by the row's own subset where it has one (`numina/olympiads`). */
  source: z.string().min(1),
  /** Small provenance fields kept from the source row (type, level, url...). */
  meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export type ProblemRecord = z.infer<typeof ProblemRecordSchema>;
