import { hash32, type ExecutionStatus as RecordStatus } from '@rstar-fleet/protocol';
import type {
  ExecuteResponse,
  ExecutionStatus as WireStatus,
  SandboxClient,
} from '@rstar-fleet/protocol/sandbox';
import type { ExecutionResult, ExecutorPort } from '@rstar-fleet/mcts';

export interface SandboxExecutorOptions {
  /** Deadline of one ExecuteBatch call (all sibling programs of an expansion). Default 120 000 ms. */
  deadlineMs?: number;
}

const STATUS: Record<WireStatus, RecordStatus> = {
  OK: 'ok',
  ERROR: 'error',
  TIMEOUT: 'timeout',
  MEMORY: 'memory',
  OUTPUT_LIMIT: 'output-limit',
  // A server that does not fill the status did not run the program to completion.
  STATUS_UNSPECIFIED: 'error',
};

export function toExecutionResult(response: ExecuteResponse): ExecutionResult {
  return { status: STATUS[response.status], stdout: response.stdout, stderr: response.stderr };
}

/**
 * The executor port of one tree: its sibling programs go out as one ExecuteBatch call to the
 * sandbox the tree hashes to (spreading trees over the sandbox addresses), with a deadline, and
 * the search's signal cancels the call. gRPC failures surface as SandboxCallError.
 */
export function sandboxExecutorFor(
  clients: readonly SandboxClient[],
  problemId: string,
  options: SandboxExecutorOptions = {},
): ExecutorPort {
  const client = clients[hash32(problemId) % clients.length];
  if (client === undefined) throw new Error('sandboxExecutorFor: no sandbox clients');
  const deadlineMs = options.deadlineMs ?? 120_000;
  return {
    async execute(programs, signal) {
      if (programs.length === 0) return [];
      const responses = await client.executeBatch(
        programs.map((code) => ({ code })),
        signal === undefined ? { deadlineMs } : { deadlineMs, signal },
      );
      return responses.map(toExecutionResult);
    },
  };
}
