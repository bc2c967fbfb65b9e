/**
 * The JS shapes of the messages in sandbox.proto as @grpc/proto-loader produces them with
 * SANDBOX_PROTO_LOADER_OPTIONS (camelCase fields, enums as strings, defaults filled in).
 * `types.test.ts` checks them against the loaded descriptors.
 */

export const EXECUTION_STATUSES = [
  'STATUS_UNSPECIFIED',
  'OK',
  'ERROR',
  'TIMEOUT',
  'MEMORY',
  'OUTPUT_LIMIT',
] as const;

/** How an execution ended. A failing program is a normal result, never a gRPC error. */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export interface ExecuteRequest {
  /** Python source, run as `__main__`. Must not be empty. */
  code: string;
  /** Wall-clock limit in ms; 0 or absent = the server's default. */
  timeoutMs?: number;
  /** Memory the program may allocate on top of the warm interpreter, MiB; 0 = default. */
  memoryMb?: number;
  /** Cap on returned stdout (head and tail kept) and stderr (tail kept), bytes; 0 = default. */
  maxOutputBytes?: number;
}

export interface ExecuteResponse {
  status: ExecutionStatus;
  stdout: string;
  stderr: string;
  durationMs: number;
  truncated: boolean;
  /** Exit code of the program, or minus the signal number that ended it. */
  exitCode: number;
}

export interface ExecuteBatchRequest {
  requests: ExecuteRequest[];
}

export interface ExecuteBatchResponse {
  responses: ExecuteResponse[];
}
