import { Command, Option } from 'commander';
import type { DestinationStream } from 'pino';
import {
  DEFAULTS,
  ISOLATION_LAYERS,
  LOG_LEVELS,
  OPTIONAL_LAYERS,
  parseSandboxConfig,
} from './config';
import { formatIsolationReport } from './isolation';

/** Where the command writes (structurally the orchestrator's CliIO). */
export interface SandboxCliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const ENV_PREFIX = 'RSTAR_SANDBOX_';

/** `--max-timeout-ms` → `RSTAR_SANDBOX_MAX_TIMEOUT_MS`. */
function envName(long: string): string {
  return ENV_PREFIX + long.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

function opt(flags: string, description: string, defaultValue?: unknown): Option {
  const option = new Option(flags, description);
  const long = flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? flags;
  option.env(envName(long));
  if (defaultValue !== undefined) option.default(defaultValue);
  return option;
}

const OPTIONS: Option[] = [
  opt('--host <host>', 'address the gRPC server binds', DEFAULTS.host),
  opt('--port <port>', 'gRPC port (0: any free port, logged at start)', DEFAULTS.port),
  opt('--metrics-host <host>', 'address of the /metrics endpoint (default: --host)'),
  opt('--metrics-port <port>', 'Prometheus /metrics port (0: any free port)', DEFAULTS.metricsPort),
  opt(
    '--python <path>',
    'Python interpreter of the fork-servers (it must import sympy to preload it)',
    DEFAULTS.python,
  ),
  opt(
    '--workers <n>',
    'fork-servers, i.e. executions in parallel (one per core on this machine)',
    DEFAULTS.workers,
  ),
  opt('--no-pin-cpus', 'do not pin fork-server i (and its executions) to CPU i'),
  opt('--preload <modules...>', 'modules every fork-server imports and exercises before serving', [
    ...DEFAULTS.preload,
  ]),
  opt(
    '--queue-limit <n>',
    'executions that may wait for a fork-server; beyond: RESOURCE_EXHAUSTED',
    DEFAULTS.queueLimit,
  ),
  opt('--max-batch <n>', 'most requests in one ExecuteBatch', DEFAULTS.maxBatch),
  opt('--max-code-bytes <n>', 'largest program accepted (UTF-8 bytes)', DEFAULTS.maxCodeBytes),
  opt('--max-message-bytes <n>', 'largest gRPC message received or sent', DEFAULTS.maxMessageBytes),
  opt(
    '--default-timeout-ms <ms>',
    'wall-clock limit of a request that says 0 (rStar-Math: 30 s)',
    DEFAULTS.defaultTimeoutMs,
  ),
  opt('--max-timeout-ms <ms>', 'largest timeout_ms a request may ask for', DEFAULTS.maxTimeoutMs),
  opt(
    '--default-memory-mb <mb>',
    'memory limit of a request that says 0, on top of the warm interpreter',
    DEFAULTS.defaultMemoryMb,
  ),
  opt('--max-memory-mb <mb>', 'largest memory_mb a request may ask for', DEFAULTS.maxMemoryMb),
  opt(
    '--default-output-bytes <n>',
    'returned output of a request that says 0 (rStar-Math: 1024, head and tail)',
    DEFAULTS.defaultOutputBytes,
  ),
  opt(
    '--max-output-bytes <n>',
    'largest max_output_bytes a request may ask for',
    DEFAULTS.maxOutputBytes,
  ),
  opt(
    '--output-kill-bytes <n>',
    'stdout+stderr after which a program is stopped (OUTPUT_LIMIT)',
    DEFAULTS.outputKillBytes,
  ),
  opt(
    '--max-processes <n>',
    'processes and threads per execution (RLIMIT_NPROC of its uid)',
    DEFAULTS.maxProcesses,
  ),
  opt(
    '--max-open-files <n>',
    'open files per execution process (RLIMIT_NOFILE)',
    DEFAULTS.maxOpenFiles,
  ),
  opt(
    '--max-file-size-mb <mb>',
    'largest file an execution may write (RLIMIT_FSIZE)',
    DEFAULTS.maxFileSizeMb,
  ),
  opt(
    '--tmp-size-mb <mb>',
    'size of the private writable /tmp of each fork-server',
    DEFAULTS.tmpSizeMb,
  ),
  opt(
    '--uid-base <uid>',
    'slot i runs programs as uid/gid uid-base+i; no account may use these uids',
    DEFAULTS.uidBase,
  ),
  opt(
    '--lock-dir <dir>',
    'where slot uid locks live (one sandbox server per uid range per host)',
    DEFAULTS.lockDir,
  ),
  opt(
    '--host-tmp-dir <dir>',
    'parent of the per-execution temp dirs when the filesystem layer is unavailable',
    DEFAULTS.hostTmpDir,
  ),
  opt('--fs-bind <dirs...>', 'extra host directories visible (read-only) to programs'),
  opt(
    '--disable-layer <layers...>',
    `switch isolation layers off (debugging only): ${OPTIONAL_LAYERS.join(', ')}`,
  ),
  opt(
    '--require-layer <layers...>',
    `refuse to start unless these layers are active: ${ISOLATION_LAYERS.join(', ')}`,
  ),
  opt(
    '--start-timeout-ms <ms>',
    'time a fork-server has to warm up and pass its self-test',
    DEFAULTS.startTimeoutMs,
  ),
  opt(
    '--watchdog-grace-ms <ms>',
    'time past a limit after which the supervisor kills a fork-server',
    DEFAULTS.watchdogGraceMs,
  ),
  opt(
    '--shutdown-grace-ms <ms>',
    'drain time on SIGTERM/SIGINT before in-flight calls are cancelled',
    DEFAULTS.shutdownGraceMs,
  ),
  opt('--no-reflection', 'do not serve gRPC server reflection'),
  opt('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`, DEFAULTS.logLevel),
];

/** `rstar-fleet sandbox`: the gRPC sandbox service. */
export function sandboxCommand(io: SandboxCliIO): Command {
  const command = new Command('sandbox')
    .description(
      'Run the sandbox gRPC service (rstar.sandbox.v1.Sandbox): executes untrusted Python steps ' +
        'on a supervised pool of warm fork-servers (math, fractions, sympy, numpy preloaded), ' +
        'each execution a fresh child with its own uid, rlimits and no network, in namespaces ' +
        'where the host allows them. Serves grpc.health.v1 and reflection; Prometheus metrics ' +
        'on --metrics-port. Every option can also be set as RSTAR_SANDBOX_<OPTION> (e.g. ' +
        'RSTAR_SANDBOX_PYTHON). SIGINT/SIGTERM: NOT_SERVING, drain, then force (a second SIGINT ' +
        'forces at once).',
    )
    .option(
      '--check',
      'start the pool, print which isolation layers are active on this host, and exit',
    );
  for (const option of OPTIONS) command.addOption(option);
  command.action(async (options: Record<string, unknown>) => {
    // Loaded when the command runs: every `rstar-fleet` start defines this command.
    const { default: pino } = await import('pino');
    const { startPool, startSandboxService } = await import('./service.js');
    const { check, ...rest } = options;
    const config = parseSandboxConfig(rest);
    const destination = io.stdout as unknown as DestinationStream;
    if (check === true) {
      const level = rest['logLevel'] === DEFAULTS.logLevel ? 'warn' : config.logLevel;
      const log = pino({ level, base: { service: 'sandbox' } }, destination);
      const { pool, report } = await startPool(config, log);
      await pool.close(1_000);
      io.stdout.write(`${formatIsolationReport(report)}\n`);
      return;
    }
    const log = pino({ level: config.logLevel, base: { service: 'sandbox' } }, destination);
    const service = await startSandboxService(config, log);
    service.lifecycle.shutdownOnSignals((signal, count) =>
      count === 1
        ? log.info({ signal }, 'stop signal received')
        : log.warn({ signal }, 'already shutting down (SIGINT again forces it)'),
    );
    await service.lifecycle.stopped;
  });
  return command;
}
