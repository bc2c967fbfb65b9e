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

/**
 * Eval job ids use `.` between parts: run ids and evaluation names never hold one, so the parts
 * read back unambiguously (shard ids predate this and keep their dashes).
 */
export function evalShardJobId(
  run: string,
  round: number,
  evaluation: string,
  shard: number,
): string {
  return `evalshard.${run}.${round}.${evaluation}.${shard}`;
}

/** The parent job of one evaluation (queue `rounds`). */
export function evalJobId(run: string, round: number, evaluation: string): string {
  return `eval.${run}.${round}.${evaluation}`;
}

export interface EvalShardJobRef {
  run: string;
  round: number;
  evaluation: string;
  shard: number;
}

const EVAL_SHARD_JOB_ID = /^evalshard\.([^.]+)\.(\d+)\.([^.]+)\.(\d+)$/;

/** The run, round, evaluation and shard an eval-shard job id names; null for any other id. */
export function parseEvalShardJobId(id: string): EvalShardJobRef | null {
  const match = EVAL_SHARD_JOB_ID.exec(id);
  if (match === null) return null;
  const [, run = '', roundText = '', evaluation = '', shardText = ''] = match;
  const ref = { run, round: Number(roundText), evaluation, shard: Number(shardText) };
  if (!RUN_ID_PATTERN.test(run) || !RUN_ID_PATTERN.test(evaluation)) return null;
  return evalShardJobId(ref.run, ref.round, ref.evaluation, ref.shard) === id ? ref : null;
}
