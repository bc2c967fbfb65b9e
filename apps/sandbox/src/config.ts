import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';

/** The isolation layers a fork-server sets up and reports, strongest first. */
export const ISOLATION_LAYERS = [
  'uid',
  'pid',
  'network',
  'filesystem',
  'seccomp',
  'ipc',
  'cpu',
  'rlimits',
  'env',
  'cleanup',
] as const;
export type IsolationLayer = (typeof ISOLATION_LAYERS)[number];

/** Layers that can be switched off (for debugging); the others are always on. */
export const OPTIONAL_LAYERS = ['uid', 'pid', 'network', 'filesystem', 'seccomp', 'ipc'] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A per-request limit: the value used when a request says 0, and the most a request may ask. */
export interface RequestLimit {
  default: number;
  max: number;
}

/** Everything the sandbox service needs, parsed once at the edge. */
export interface SandboxConfig {
  host: string;
  port: number;
  metricsHost: string;
  metricsPort: number;
  /** Python interpreter of the fork-servers. */
  python: string;
  /** Fork-servers in the pool (executions in parallel). */
  workers: number;
  /** Pin fork-server i (and its executions) to CPU i mod cores. */
  pinCpus: boolean;
  /** Modules imported and exercised by every fork-server before it serves. */
  preload: string[];
  /** Executions waiting for a fork-server beyond which requests get RESOURCE_EXHAUSTED. */
  queueLimit: number;
  maxBatch: number;
  maxCodeBytes: number;
  maxMessageBytes: number;
  timeoutMs: RequestLimit;
  memoryMb: RequestLimit;
  maxOutputBytes: RequestLimit;
  /** Output (stdout + stderr) after which a program is stopped with OUTPUT_LIMIT. */
  outputKillBytes: number;
  maxProcesses: number;
  maxOpenFiles: number;
  maxFileSizeMb: number;
  tmpSizeMb: number;
  /** Slot i runs its executions as uid/gid uidBase + i. */
  uidBase: number;
  lockDir: string;
  hostTmpDir: string;
  /** Extra host directories made visible (read-only) to executions. */
  fsBinds: string[];
  disabledLayers: IsolationLayer[];
  requiredLayers: IsolationLayer[];
  startTimeoutMs: number;
  /** Extra time the supervisor grants a fork-server past an execution's limit before killing it. */
  watchdogGraceMs: number;
  shutdownGraceMs: number;
  reflection: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** Defaults, shown by `--help` and applied by the parser. */
export const DEFAULTS = {
  host: '0.0.0.0',
  port: 50051,
  metricsPort: 9464,
  python: '/usr/bin/python3',
  workers: availableParallelism(),
  pinCpus: true,
  preload: ['math', 'fractions', 'sympy', 'numpy'],
  queueLimit: 1024,
  maxBatch: 64,
  maxCodeBytes: 256 * 1024,
  maxMessageBytes: 64 * 1024 * 1024,
  // rStar-Math's executor: 30 s per tool call, output cut to 1024 characters (head and tail).
  defaultTimeoutMs: 30_000,
  maxTimeoutMs: 120_000,
  defaultMemoryMb: 1024,
  maxMemoryMb: 8192,
  defaultOutputBytes: 1024,
  maxOutputBytes: 1024 * 1024,
  outputKillBytes: 4 * 1024 * 1024,
  maxProcesses: 64,
  maxOpenFiles: 128,
  maxFileSizeMb: 16,
  tmpSizeMb: 64,
  uidBase: 60100,
  lockDir: '/tmp',
  hostTmpDir: '/tmp',
  startTimeoutMs: 60_000,
  watchdogGraceMs: 5_000,
  shutdownGraceMs: 10_000,
  reflection: true,
  logLevel: 'info',
} as const;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);
const port = int(0, 65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
/** A list given as repeated flags, an array, or comma-separated text (environment variables). */
function splitList(value: unknown): unknown {
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.flatMap((item) =>
    typeof item === 'string'
      ? item
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [item],
  );
}
const list = <T extends z.ZodType>(item: T) => z.preprocess(splitList, z.array(item));

const layer = z.enum(ISOLATION_LAYERS);

/** Input shape: the CLI's option names (camelCase), values as strings or already typed. */
const schema = z
  .object({
    host: z.string().min(1).default(DEFAULTS.host),
    port: port.default(DEFAULTS.port),
    metricsHost: z.string().min(1).optional(),
    metricsPort: port.default(DEFAULTS.metricsPort),
    python: z.string().min(1).default(DEFAULTS.python),
    workers: int(1, 256).default(DEFAULTS.workers),
    pinCpus: bool.default(DEFAULTS.pinCpus),
    preload: list(z.string().regex(/^[A-Za-z_][\w.]*$/, 'a Python module name')).default([
      ...DEFAULTS.preload,
    ]),
    queueLimit: int(0, 1_000_000).default(DEFAULTS.queueLimit),
    maxBatch: int(1, 10_000).default(DEFAULTS.maxBatch),
    maxCodeBytes: int(1, 64 * 1024 * 1024).default(DEFAULTS.maxCodeBytes),
    maxMessageBytes: int(64 * 1024, 2 ** 31 - 1).default(DEFAULTS.maxMessageBytes),
    defaultTimeoutMs: int(1, 3_600_000).default(DEFAULTS.defaultTimeoutMs),
    maxTimeoutMs: int(1, 3_600_000).default(DEFAULTS.maxTimeoutMs),
    defaultMemoryMb: int(16, 1_048_576).default(DEFAULTS.defaultMemoryMb),
    maxMemoryMb: int(16, 1_048_576).default(DEFAULTS.maxMemoryMb),
    defaultOutputBytes: int(1, 64 * 1024 * 1024).default(DEFAULTS.defaultOutputBytes),
    maxOutputBytes: int(1, 64 * 1024 * 1024).default(DEFAULTS.maxOutputBytes),
    outputKillBytes: int(1, 2 ** 31 - 1).default(DEFAULTS.outputKillBytes),
    maxProcesses: int(1, 100_000).default(DEFAULTS.maxProcesses),
    maxOpenFiles: int(16, 1_048_576).default(DEFAULTS.maxOpenFiles),
    maxFileSizeMb: int(1, 1_048_576).default(DEFAULTS.maxFileSizeMb),
    tmpSizeMb: int(1, 1_048_576).default(DEFAULTS.tmpSizeMb),
    uidBase: int(1, 2 ** 31 - 1).default(DEFAULTS.uidBase),
    lockDir: z.string().startsWith('/', 'an absolute path').default(DEFAULTS.lockDir),
    hostTmpDir: z.string().startsWith('/', 'an absolute path').default(DEFAULTS.hostTmpDir),
    fsBind: list(z.string().startsWith('/', 'an absolute path')).default([]),
    disableLayer: list(z.enum(OPTIONAL_LAYERS)).default([]),
    requireLayer: list(layer).default([]),
    startTimeoutMs: int(1_000, 3_600_000).default(DEFAULTS.startTimeoutMs),
    watchdogGraceMs: int(100, 600_000).default(DEFAULTS.watchdogGraceMs),
    shutdownGraceMs: int(0, 3_600_000).default(DEFAULTS.shutdownGraceMs),
    reflection: bool.default(DEFAULTS.reflection),
    logLevel: z.enum(LOG_LEVELS).default(DEFAULTS.logLevel),
  })
  .superRefine((c, ctx) => {
    const pairs: Array<[keyof typeof c, keyof typeof c]> = [
      ['defaultTimeoutMs', 'maxTimeoutMs'],
      ['defaultMemoryMb', 'maxMemoryMb'],
      ['defaultOutputBytes', 'maxOutputBytes'],
    ];
    for (const [def, max] of pairs) {
      if ((c[def] as number) > (c[max] as number)) {
        ctx.addIssue({ code: 'custom', path: [def], message: `must not exceed ${flagName(max)}` });
      }
    }
    if (c.outputKillBytes < c.maxOutputBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['outputKillBytes'],
        message: `must be at least ${flagName('maxOutputBytes')} (${c.maxOutputBytes})`,
      });
    }
    const clash = c.requireLayer.filter((l) => (c.disableLayer as string[]).includes(l));
    if (clash.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['requireLayer'],
        message: `cannot require disabled layer(s) ${clash.join(', ')}`,
      });
    }
  });

export type SandboxConfigInput = z.input<typeof schema>;

/** `maxTimeoutMs` → `--max-timeout-ms`: errors name the flag the user typed. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Parses raw options (CLI strings or typed values) into a SandboxConfig; throws
 * InvalidInputError naming the offending option.
 */
export function parseSandboxConfig(input: SandboxConfigInput): SandboxConfig {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue === undefined ? 'options' : String(issue.path[0] ?? 'options');
    throw new InvalidInputError(issue?.message ?? 'invalid options', {
      source: 'sandbox options',
      field: flagName(key),
    });
  }
  const c = parsed.data;
  return {
    host: c.host,
    port: c.port,
    metricsHost: c.metricsHost ?? c.host,
    metricsPort: c.metricsPort,
    python: c.python,
    workers: c.workers,
    pinCpus: c.pinCpus,
    preload: c.preload,
    queueLimit: c.queueLimit,
    maxBatch: c.maxBatch,
    maxCodeBytes: c.maxCodeBytes,
    maxMessageBytes: c.maxMessageBytes,
    timeoutMs: { default: c.defaultTimeoutMs, max: c.maxTimeoutMs },
    memoryMb: { default: c.defaultMemoryMb, max: c.maxMemoryMb },
    maxOutputBytes: { default: c.defaultOutputBytes, max: c.maxOutputBytes },
    outputKillBytes: c.outputKillBytes,
    maxProcesses: c.maxProcesses,
    maxOpenFiles: c.maxOpenFiles,
    maxFileSizeMb: c.maxFileSizeMb,
    tmpSizeMb: c.tmpSizeMb,
    uidBase: c.uidBase,
    lockDir: c.lockDir,
    hostTmpDir: c.hostTmpDir,
    fsBinds: c.fsBind,
    disabledLayers: c.disableLayer,
    requiredLayers: c.requireLayer,
    startTimeoutMs: c.startTimeoutMs,
    watchdogGraceMs: c.watchdogGraceMs,
    shutdownGraceMs: c.shutdownGraceMs,
    reflection: c.reflection,
    logLevel: c.logLevel,
  };
}
