import { z } from 'zod';
import { InvalidInputError } from './errors';
import type { SearchRecord } from './search-record';

/**
 * What goes through Redis between the orchestrator and the rollout workers: ids and store keys
 * only (DESIGN §2). Problem text, trees and datasets stay in the artifact store; the settings of
 * a round (models, endpoints, budgets) are in its manifest (round-manifest.ts), read by key.
 */

/** Run ids are store path segments and BullMQ id parts: no `:` and never all digits. */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;

export const runIdSchema = z
  .string()
  .regex(RUN_ID_PATTERN, { error: 'expected lowercase letters, digits and dashes (≤ 80)' })
  .refine((v) => !/^\d+$/.test(v), { error: 'must not be all digits' });

const index = z.number().int().min(0);

/** Payload of a `shard` job (queue `shards`): search every problem of one shard file. */
export const ShardJobDataSchema = z.strictObject({
  run: runIdSchema,
  /** 1-based round. */
  round: z.number().int().min(1),
  /** Shard index within the round (escalation phases continue the numbering). */
  shard: index,
  /** 0 = the round's own search; k ≥ 1 = the k-th escalation budget for unsolved problems. */
  phase: index,
  /** Store key of the shard's problems (JSONL of ProblemRecord). */
  input: z.string().min(1),
  /** Store key of the shard's results log (one search record per search unit). */
  results: z.string().min(1),
  /** Store key of the round manifest. */
  manifest: z.string().min(1),
});
export type ShardJobData = z.infer<typeof ShardJobDataSchema>;

/** Payload of a `round` job (queue `rounds`, parent of the phase's shard jobs). */
export const RoundJobDataSchema = z.strictObject({
  run: runIdSchema,
  round: z.number().int().min(1),
  phase: index,
  manifest: z.string().min(1),
});
export type RoundJobData = z.infer<typeof RoundJobDataSchema>;

/** What a shard job returns (kept small: it is stored in the parent's Redis hash). */
export const ShardJobResultSchema = z.strictObject({
  /** Search units (problem × tree) written by this attempt. */
  written: z.number().int().min(0),
  /** Units found already written (a re-run after a crash, retry or requeue). */
  skipped: z.number().int().min(0),
  /** Problems with at least one correct answer among this shard's units. */
  solved: z.number().int().min(0),
  problems: z.number().int().min(0),
});
export type ShardJobResult = z.infer<typeof ShardJobResultSchema>;

/**
 * Seed of one search unit: tree `tree` of phase `phase`. Distinct for every (phase, tree) of a
 * round as long as trees ≤ 1000, so the seed also names the unit inside a results log.
 */
export function searchUnitSeed(baseSeed: number, phase: number, tree: number): number {
  if (tree < 0 || tree >= 1000) {
    throw new InvalidInputError(`tree must be in [0, 1000), got ${tree}`, { field: 'tree' });
  }
  return baseSeed + phase * 1000 + tree;
}

/** Key of a search unit in a shard's results log: problem id and the unit's seed. */
export function searchUnitKey(problemId: string, seed: number): string {
  return `${problemId}@${seed}`;
}

export function searchUnitKeyOf(record: Pick<SearchRecord, 'problemId' | 'search'>): string {
  return searchUnitKey(record.problemId, record.search.seed);
}
