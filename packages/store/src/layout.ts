import { InvalidInputError } from '@rstar-fleet/protocol';
import { validateIndex, validateSegment } from './keys';

/**
 * The store layout. It is a stable interface: the orchestrator, the workers and offline tools
 * all read it, so change it only with a migration.
 *
 *   runs/<run>/plan.yaml
 *   runs/<run>/round-<r>/shards/<i>.jsonl     problems of shard i (input)
 *   runs/<run>/round-<r>/results/<i>.jsonl    one search record per problem (append-only)
 *   runs/<run>/round-<r>/{sft,ppm_pairs,unsolved}.jsonl, stats.json
 *
 * Every helper returns a store key (relative, `/`-separated) and validates its inputs, naming
 * the offending field.
 */
export const ROUND_FILES = [
  'sft.jsonl',
  'ppm_pairs.jsonl',
  'unsolved.jsonl',
  'stats.json',
] as const;
export type RoundFile = (typeof ROUND_FILES)[number];

export function runDir(run: string): string {
  return `runs/${validateSegment(run, 'run')}`;
}

export function planFile(run: string): string {
  return `${runDir(run)}/plan.yaml`;
}

export function roundDir(run: string, round: number): string {
  return `${runDir(run)}/round-${validateIndex(round, 'round')}`;
}

export function shardInput(run: string, round: number, shard: number): string {
  return `${roundDir(run, round)}/shards/${validateIndex(shard, 'shard')}.jsonl`;
}

export function shardResults(run: string, round: number, shard: number): string {
  return `${roundDir(run, round)}/results/${validateIndex(shard, 'shard')}.jsonl`;
}

export function roundFile(run: string, round: number, file: RoundFile): string {
  if (!(ROUND_FILES as readonly string[]).includes(file)) {
    // Typed callers cannot get here; untyped ones (CLI flags, JSON) can.
    throw new InvalidInputError(
      `must be one of ${ROUND_FILES.join(', ')}, got ${JSON.stringify(file)}`,
      { field: 'file' },
    );
  }
  return `${roundDir(run, round)}/${file}`;
}
