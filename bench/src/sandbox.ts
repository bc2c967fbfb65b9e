import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import pino from 'pino';
import { SandboxClient } from '@rstar-fleet/protocol/sandbox';
import { parseSandboxConfig, startSandboxService } from '@rstar-fleet/sandbox';
import type { BenchResult } from './bench-result';
import { bareForkFloor } from './sandbox-fork-floor';

/**
 * Sandbox throughput and latency at full load, warm fork-server pool vs the naive approach (a
 * fresh interpreter spawned per execution), side by side in one run, for (a) a trivial program
 * and (b) a program that imports sympy and solves a small equation. Every result is checked, so
 * both sides do the same work.
 */
export interface SandboxBenchOptions {
  python?: string;
  /** Seconds of measurement per (workload, approach). */
  seconds?: { trivialWarm: number; trivialNaive: number; sympyWarm: number; sympyNaive: number };
  /** Requests in flight; default 2 per core, so the queue never runs dry (full load). */
  concurrency?: number;
  uidBase?: number;
}

interface Workload {
  name: string;
  program(i: number): { code: string; expected: string };
}

const TRIVIAL: Workload = {
  name: 'trivial',
  program: (i) => ({ code: `print(${i} + 1)`, expected: `${i + 1}\n` }),
};

const SYMPY: Workload = {
  name: 'sympy',
  program: (i) => {
    // Varied equations whose roots (>= 11) the fork-servers' warm-up never solved: no result
    // comes from a cache the pool filled.
    const a = 11 + (i % 13);
    const b = a + 2 + (i % 7);
    return {
      code: `import sympy\nx = sympy.symbols("x")\nprint(sympy.solve(x**2 - ${a + b}*x + ${a * b}, x))`,
      expected: `[${a}, ${b}]\n`,
    };
  },
};

interface LoopResult {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `concurrency` workers issue requests back to back for `seconds`; every result is checked. */
async function closedLoop(
  concurrency: number,
  seconds: number,
  workload: Workload,
  run: (code: string) => Promise<string>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const { code, expected } = workload.program(next++);
      const t = performance.now();
      const out = await run(code);
      latencies.push(performance.now() - t);
      if (out !== expected)
        throw new Error(
          `${workload.name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(out)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((x, y) => x - y);
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: latencies.length,
  };
}

/** The naive approach: `python3 -c CODE`, one fresh interpreter per execution. */
function naive(python: string): (code: string) => Promise<string> {
  return (code) =>
    new Promise((resolve, reject) => {
      const child = spawn(python, ['-c', code], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.on('error', reject);
      child.on('close', (status) =>
        status === 0
          ? resolve(Buffer.concat(out).toString('utf8'))
          : reject(new Error(`exit ${status}`)),
      );
    });
}

export async function benchSandbox(options: SandboxBenchOptions = {}): Promise<BenchResult> {
  const python = options.python ?? '/usr/bin/python3';
  const cores = availableParallelism();
  const concurrency = options.concurrency ?? 2 * cores;
  const seconds = options.seconds ?? {
    trivialWarm: 6,
    trivialNaive: 4,
    sympyWarm: 8,
    sympyNaive: 10,
  };
  const config = parseSandboxConfig({
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    python,
    uidBase: options.uidBase ?? 63_900,
    queueLimit: 4 * concurrency,
  });
  const service = await startSandboxService(config, pino({ level: 'silent' }));
  const client = new SandboxClient({
    address: `127.0.0.1:${service.grpcPort}`,
    defaultDeadlineMs: 60_000,
  });
  const warm = async (code: string): Promise<string> => {
    const r = await client.execute({ code });
    if (r.status !== 'OK') throw new Error(`${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  const metrics: Record<string, number> = {};
  try {
    for (const [workload, warmSeconds, naiveSeconds] of [
      [TRIVIAL, seconds.trivialWarm, seconds.trivialNaive],
      [SYMPY, seconds.sympyWarm, seconds.sympyNaive],
    ] as const) {
      await closedLoop(concurrency, 1, workload, warm); // warm-up, not measured
      const w = await closedLoop(concurrency, warmSeconds, workload, warm);
      const n = await closedLoop(concurrency, naiveSeconds, workload, naive(python));
      const k = workload.name;
      metrics[`${k}: warm pool, executions/s`] = w.perSecond;
      metrics[`${k}: naive spawn, executions/s`] = n.perSecond;
      metrics[`${k}: throughput ratio (warm / naive)`] = w.perSecond / n.perSecond;
      metrics[`${k}: warm pool p50 latency, ms`] = w.p50;
      metrics[`${k}: warm pool p99 latency, ms`] = w.p99;
      metrics[`${k}: naive spawn p50 latency, ms`] = n.p50;
      metrics[`${k}: naive spawn p99 latency, ms`] = n.p99;
      metrics[`${k}: executions measured (warm + naive)`] = w.count + n.count;
      // What fork-per-execution allows at all here (no isolation, no RPC): the design's ceiling.
      const floor = await bareForkFloor(
        python,
        k === 'trivial' ? 'trivial' : 'sympy',
        warmSeconds,
        cores,
      );
      metrics[`${k}: bare fork ceiling (no isolation, no RPC), executions/s`] = floor;
      metrics[`${k}: bare fork ceiling ratio (ceiling / naive)`] = floor / n.perSecond;
      metrics[`${k}: warm pool share of the bare fork ceiling`] = w.perSecond / floor;
    }
  } finally {
    client.close();
    await service.shutdown();
  }
  const active = service.report.layers.filter((l) => l.active).map((l) => l.layer);
  return {
    name: 'sandbox-throughput',
    description:
      'Executions/s and latency at full load: warm fork-server pool (gRPC, all isolation layers) ' +
      'vs spawning a fresh interpreter per execution, same run, same interpreter, same concurrency; ' +
      'plus the ceiling of a bare fork per execution from a warm parent (no isolation, no RPC).',
    metrics,
    notes: [
      `${cores} cores, ${config.workers} fork-servers, ${concurrency} requests in flight`,
      `python ${service.report.python} (${service.report.executable})`,
      `isolation layers active: ${active.join(', ')}`,
      `measured seconds: ${JSON.stringify(seconds)}`,
    ],
  };
}
