import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileStepProtocol } from '@rstar-fleet/mcts';
import { freePort } from '@rstar-fleet/local-fleet';

/**
 * A real llama.cpp `llama-server` for the inference contract suite: the pinned build that
 * `node scripts/test-env.js setup` makes once and caches (scripts/llama-server.js), serving a tiny
 * random-weight GGUF that scripts/write-tiny-gguf.py writes with the same source's gguf-py. A
 * missing build fails the suite with the command that makes it, never skips it.
 */

const REPO = join(__dirname, '..', '..', '..');
/** Debian's python3: the numpy of python3-numpy (scripts/host-packages.json) is its. */
const PYTHON = '/usr/bin/python3';
const READY_DEADLINE_MS = 30_000;
const STOP_GRACE_MS = 3000;

export interface LlamaServerInstall {
  dir: string;
  bin: string;
  ggufPy: string;
  /** What the binary reports, e.g. 0.4.0-dev. */
  version: string;
  pin: { package: string; version: string; commit: string };
}

/** The cached build; throws, saying how to make it, when there is none. */
export function llamaServerInstall(): LlamaServerInstall {
  const script = createRequire(__filename)(join(REPO, 'scripts', 'llama-server.js')) as {
    requireInstall(): LlamaServerInstall;
  };
  return script.requireInstall();
}

/** Prompt endings that make the tiny model's next tokens certain (see write-tiny-gguf.py). */
export interface Triggers {
  /** Repeats itself: the step runs to n_predict or the context end. */
  loop: string;
  /** Ends on EOS at once. */
  eos: string;
  /** Emits the answer tag at once. */
  answer: string;
  /** Half of the seeds sample a byte that is not UTF-8: llama.cpp answers 500. */
  bad_bytes: string;
}

export interface TinyModel {
  path: string;
  vocab: number;
  triggers: Triggers;
}

/** Writes the tiny model into `dir`, its vocabulary holding the step protocol's tags. */
export function writeTinyModel(install: LlamaServerInstall, dir: string, seed = 1): TinyModel {
  const protocol = compileStepProtocol();
  const args = [
    join(REPO, 'scripts', 'write-tiny-gguf.py'),
    join(dir, 'tiny.gguf'),
    '--seed',
    String(seed),
    ...[protocol.codeStart, protocol.outputStart, protocol.outputEnd].flatMap((t) => ['--tag', t]),
    // The answer tag last: the `answer` trigger emits the last stop tag.
    ...protocol.stops.flatMap((t) => ['--stop-tag', t]),
  ];
  const run = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    // Only the source's gguf-py on the path: no PYTHON* settings of the caller leak in.
    env: { PYTHONPATH: install.ggufPy },
    timeout: 60_000,
  });
  if (run.status !== 0) {
    throw new Error(
      `writing the tiny GGUF failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as TinyModel;
}

export interface LlamaServerOptions {
  model: string;
  /** `--parallel`: slots. */
  parallel: number;
  /** Context of each slot in tokens (`--ctx-size` is this times the slots). */
  slotContext: number;
  /** HTTP worker threads; llama-server's default depends on the host's core count. */
  httpThreads?: number;
  /** A fixed port (a restart keeps its address); default a free one. */
  port?: number;
}

/**
 * One llama-server process. `stop` is bounded (SIGTERM, then SIGKILL after a grace): a
 * llama-server stopped with SIGTERM while requests are in flight never exits by itself.
 */
export class LlamaServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    private readonly install: LlamaServerInstall,
    private readonly options: LlamaServerOptions,
    readonly port: number,
    private readonly logDir: string,
  ) {}

  static async start(
    install: LlamaServerInstall,
    options: LlamaServerOptions,
  ): Promise<LlamaServer> {
    const port = options.port ?? (await freePort());
    const server = new LlamaServer(
      install,
      options,
      port,
      mkdtempSync(join(tmpdir(), 'llama-server-')),
    );
    await server.launch();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until /health answers 200 (the model is loaded). */
  async launch(): Promise<void> {
    const o = this.options;
    const log = openSync(join(this.logDir, 'server.log'), 'a');
    const child = spawn(
      this.install.bin,
      [
        ...['--model', o.model, '--host', '127.0.0.1', '--port', String(this.port)],
        ...['--parallel', String(o.parallel), '--ctx-size', String(o.parallel * o.slotContext)],
        // Two compute threads, as on the 2-core CI machine. (With one, a server stopped with
        // SIGTERM went on answering /health 200 while it never answered its requests.)
        ...['--threads', '2', '--metrics', '--no-warmup'],
        ...(o.httpThreads === undefined ? [] : ['--threads-http', String(o.httpThreads)]),
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + READY_DEADLINE_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      const health = await fetch(`${this.url}/health`, {
        signal: AbortSignal.timeout(1000),
      }).catch(() => undefined);
      if (health?.status === 200) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.kill('SIGKILL');
    throw new Error(`llama-server did not become ready on ${this.url}:\n${this.logTail()}`);
  }

  /** Sends a signal and returns at once. */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Kills with `signal`; resolves once the process has exited. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after a grace; resolves once the process has exited. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops the server (a short grace: a test's leftovers need no draining) and removes its log. */
  async close(): Promise<void> {
    await this.stop(500);
    rmSync(this.logDir, { recursive: true, force: true });
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(join(this.logDir, 'server.log'), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }
}
