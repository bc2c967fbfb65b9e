import { spawn } from 'node:child_process';
import type { HookOutcome } from '../run-state';
import { TailBuffer, parseHookResultLine } from './last-line';

export interface CommandHookOptions {
  /** The expanded argv; argv[0] exactly `rstar-fleet` runs this installation (see cliScript). */
  argv: readonly string[];
  timeoutSeconds: number;
  /** Script of the rstar-fleet CLI, run with process.execPath for argv[0] `rstar-fleet`. */
  cliScript?: string;
  /** Environment of the child (default: the parent's, inherited by spawn). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** After SIGTERM at the timeout, SIGKILL this much later. Default 5000 ms. */
  killGraceMs?: number;
  /** Cancels the hook (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /** Each stderr/stdout line, for logs. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

const TAIL = 64 * 1024;
const STDERR_TAIL = 4000;

/** Resolves argv[0] `rstar-fleet` to this installation's CLI (no PATH lookup, same version). */
export function resolveHookArgv(
  argv: readonly string[],
  cliScript: string | undefined,
): { file: string; args: string[] } | { error: string } {
  const [head, ...rest] = argv;
  if (head === undefined) return { error: 'empty hook command' };
  if (head !== 'rstar-fleet') return { file: head, args: rest };
  if (cliScript === undefined) {
    return { error: 'hook command rstar-fleet: the host did not say where its CLI script is' };
  }
  return { file: process.execPath, args: [cliScript, ...rest] };
}

/**
 * Runs a command hook without a shell, with a wall-clock timeout (SIGTERM, then SIGKILL after
 * a grace), capturing stdout (its last line is the result) and a stderr tail. Never throws:
 * every failure is an outcome with a reason.
 */
export function runCommandHook(options: CommandHookOptions): Promise<HookOutcome> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const stdout = new TailBuffer(TAIL);
  const stderr = new TailBuffer(STDERR_TAIL);
  const outcome = (
    status: HookOutcome['status'],
    exitCode: number | null,
    result: Record<string, unknown> | null,
    error: string | null,
  ): HookOutcome => ({
    kind: 'command',
    status,
    startedAt,
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    target: [...options.argv],
    exitCode,
    result,
    stderrTail: stderr.toString(),
    error,
  });
  const resolved = resolveHookArgv(options.argv, options.cliScript);
  if ('error' in resolved) return Promise.resolve(outcome('failed', null, null, resolved.error));

  return new Promise((resolve) => {
    const child = spawn(resolved.file, resolved.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 5000);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, options.timeoutSeconds * 1000);
    const onAbort = (): void => terminate();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout.push(s);
      options.onOutput?.('stdout', s);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr.push(s);
      options.onOutput?.('stderr', s);
    });
    let spawnError: Error | null = null;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (spawnError !== null) {
        resolve(
          outcome('failed', null, null, `cannot run ${resolved.file}: ${spawnError.message}`),
        );
        return;
      }
      if (timedOut) {
        resolve(outcome('timeout', code, null, `timed out after ${options.timeoutSeconds} s`));
        return;
      }
      if (options.signal?.aborted) {
        resolve(outcome('failed', code, null, 'cancelled'));
        return;
      }
      if (code !== 0) {
        resolve(outcome('failed', code, null, `exited with ${code ?? `signal ${signal ?? '?'}`}`));
        return;
      }
      const parsed = parseHookResultLine(stdout.toString());
      resolve(
        'error' in parsed
          ? outcome('failed', code, null, parsed.error)
          : outcome('succeeded', code, parsed.result, null),
      );
    });
  });
}
