import { z } from 'zod';

/**
 * The messages a fork-server sends (apps/sandbox/python/rstar_forkserver.py), validated on
 * arrival: a fork-server that says something else is broken and gets replaced.
 */
export const FORK_SERVER_PROTOCOL = 1;

const layerState = z.object({ active: z.boolean(), detail: z.string() });

export const helloMessage = z.object({
  type: z.literal('hello'),
  protocol: z.literal(FORK_SERVER_PROTOCOL),
  pid: z.number().int(),
  python: z.string(),
  executable: z.string(),
  preloaded: z.array(z.string()),
  missing: z.record(z.string(), z.string()),
  baseline_address_space_mb: z.number(),
  huge_pages_mb: z.number(),
  layers: z.record(z.string(), layerState),
  probe: z.record(z.string(), z.unknown()),
});
export type HelloMessage = z.infer<typeof helloMessage>;

export const fatalMessage = z.object({
  type: z.literal('fatal'),
  error: z.string(),
  layers: z.record(z.string(), layerState).optional(),
});

/** Statuses a fork-server reports: the proto's, plus two that never reach a client as such. */
export const FORK_SERVER_STATUSES = [
  'OK',
  'ERROR',
  'TIMEOUT',
  'MEMORY',
  'OUTPUT_LIMIT',
  'CANCELLED',
  'INTERNAL',
] as const;

export const resultMessage = z.object({
  type: z.literal('result'),
  id: z.number().int(),
  status: z.enum(FORK_SERVER_STATUSES),
  stdout: z.string(),
  stderr: z.string(),
  duration_ms: z.number().int().nonnegative(),
  truncated: z.boolean(),
  exit_code: z.number().int(),
  output_bytes: z.number().int().nonnegative(),
  /** False when processes of the execution could not be reaped: the fork-server exits next. */
  healthy: z.boolean(),
});
export type ResultMessage = z.infer<typeof resultMessage>;

export const forkServerMessage = z.discriminatedUnion('type', [
  helloMessage,
  fatalMessage,
  resultMessage,
  z.object({ type: z.literal('pong'), id: z.unknown() }),
]);
export type ForkServerMessage = z.infer<typeof forkServerMessage>;

/** What the supervisor sends to run one program. */
export interface ExecMessage {
  type: 'exec';
  id: number;
  code: string;
  timeout_ms: number;
  memory_mb: number;
  max_output_bytes: number;
  kill_output_bytes: number;
}

/** Start-up configuration, passed as the fork-server's only argument. */
export interface ForkServerBootConfig {
  slot: number;
  uid: number;
  gid: number;
  cpu: number | null;
  preload: string[];
  isolation: Record<string, boolean>;
  fs_binds: string[];
  tmp_size_mb: number;
  lock_dir: string;
  /** How long to wait for the slot's uid lock (a predecessor may still be exiting). */
  lock_wait_ms: number;
  host_tmp_dir: string;
  limits: { max_processes: number; max_open_files: number; max_file_size_mb: number };
}
