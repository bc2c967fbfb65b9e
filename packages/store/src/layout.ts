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
 *   runs/<run>/round-<r>/eval/<name>/eval.json             an evaluation of round r's models
 *   runs/<run>/round-<r>/eval/<name>/skipped.jsonl         benchmark rows left out (file:line, why)
 *   runs/<run>/round-<r>/eval/<name>/shards/<i>.jsonl      its problems, with their answers
 *   runs/<run>/round-<r>/eval/<name>/results/<i>.jsonl     one eval run record per run key
 *   runs/<run>/round-<r>/eval/<name>/report.{json,md,svg}  its report
 *   (round 0 is the plan's starting models: `round-0/` holds only evaluations)
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

export const EVAL_FILES = [
  'eval.json',
  'skipped.jsonl',
  'report.json',
  'report.md',
  'report.svg',
] as const;
export type EvalFile = (typeof EVAL_FILES)[number];

/** An evaluation of round `round`'s models (0: the plan's starting models). */
export function evalDir(run: string, round: number, evaluation: string): string {
  return `${roundDir(run, round)}/eval/${validateSegment(evaluation, 'evaluation')}`;
}

export function evalShardInput(
  run: string,
  round: number,
  evaluation: string,
  shard: number,
): string {
  return `${evalDir(run, round, evaluation)}/shards/${validateIndex(shard, 'shard')}.jsonl`;
}

export function evalShardResults(
  run: string,
  round: number,
  evaluation: string,
  shard: number,
): string {
  return `${evalDir(run, round, evaluation)}/results/${validateIndex(shard, 'shard')}.jsonl`;
}

export function evalFile(run: string, round: number, evaluation: string, file: EvalFile): string {
  if (!(EVAL_FILES as readonly string[]).includes(file)) {
    throw new InvalidInputError(
      `must be one of ${EVAL_FILES.join(', ')}, got ${JSON.stringify(file)}`,
      { field: 'file' },
    );
  }
  return `${evalDir(run, round, evaluation)}/${file}`;
}
