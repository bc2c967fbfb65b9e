export type { ArtifactStore, Line } from './artifact-store';
export { writeFileAtomic } from './atomic-write';
export { LockLostError, ShardLockedError } from './errors';
export { FileResultLog, lockPathFor, type FileResultLogOptions } from './file-result-log';
export { FileSystemStore } from './fs-store';
export { readIfExists } from './read-if-exists';
export { readShardProblems } from './shard-input';
export { readResultLog } from './read-result-log';
export {
  evalRunRecordCodec,
  openEvalShardResults,
  readEvalShardResults,
  type EvalResultWriter,
} from './eval-results';
export { openStore, type OpenStoreOptions, type StoreLocation } from './open-store';
export { openFileWriter, type ObjectWriter } from './object-writer';
export { validateIndex, validateKey, validatePrefix, validateSegment } from './keys';
export {
  EVAL_FILES,
  ROUND_FILES,
  evalDir,
  evalFile,
  evalShardInput,
  evalShardResults,
  planFile,
  roundDir,
  roundFile,
  runDir,
  shardInput,
  shardResults,
  type EvalFile,
  type RoundFile,
} from './layout';
export type { AppendOutcome, ResultLog, ResultLogCodec, ResultLogRecovery } from './result-log';
export { DEFAULT_STALE_MS, ShardLock, type LockOwner, type ShardLockOptions } from './shard-lock';
export {
  openShardResults,
  readShardResults,
  searchRecordCodec,
  type ShardResultWriter,
} from './shard-results';
