import { RUN_ID_PATTERN } from './fleet-jobs';

/**
 * Deterministic BullMQ job ids (DESIGN §5), built and read here only: a re-enqueue of the same
 * shard is a no-op, and the orchestrator tells from a queue event's id which shard it is about.
 */
export function shardJobId(run: string, round: number, shard: number): string {
  return `shard-${run}-${round}-${shard}`;
}

/** The parent job of one phase of a round (queue `rounds`). */
export function roundJobId(run: string, round: number, phase: number): string {
  return `round-${run}-${round}-${phase}`;
}

export interface ShardJobRef {
  run: string;
  round: number;
  shard: number;
}

const SHARD_JOB_ID = /^shard-(.+)-(\d+)-(\d+)$/;

/**
 * The run, round and shard a shard job id names; null for any other id. Run ids contain dashes
 * but never end in `-<digits>-<digits>` of their own here: the last two numbers are the round
 * and the shard, and only an id that shardJobId would build is accepted.
 */
export function parseShardJobId(id: string): ShardJobRef | null {
  const match = SHARD_JOB_ID.exec(id);
  if (match === null) return null;
  const [, run = '', roundText = '', shardText = ''] = match;
  const round = Number(roundText);
  const shard = Number(shardText);
  if (!RUN_ID_PATTERN.test(run) || round < 1 || shardJobId(run, round, shard) !== id) return null;
  return { run, round, shard };
}
