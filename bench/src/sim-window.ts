import { performance } from 'node:perf_hooks';
import type { Cluster } from './fleet-cluster';
import { fetchText, metricSum, type ServiceProcess } from './fleet-procs';

/**
 * A steady window over a fleet working against the simulator emulating a GPU server: the share
 * of the server's capacity kept busy, from the simulator's exact integrals
 * (`rstar_sim_busy_sequence_seconds_total` ÷ `rstar_sim_capacity_sequence_seconds_total`), with
 * gauges sampled meanwhile (the simulator's running sequences, the workers' inference governors)
 * and the CPU each process spent. Shared by the search (fleet-saturation) and evaluation
 * (eval-throughput) benchmarks, so both report the same figures the same way.
 */

interface SimReading {
  at: number;
  busy: number;
  capacity: number;
  waiting: number;
  generated: number;
  finished: number;
}

export async function readSim(simUrl: string): Promise<SimReading> {
  const text = await fetchText(`${simUrl}/metrics`);
  return {
    at: performance.now(),
    busy: metricSum(text, 'rstar_sim_busy_sequence_seconds_total'),
    capacity: metricSum(text, 'rstar_sim_capacity_sequence_seconds_total'),
    waiting: metricSum(text, 'rstar_sim_waiting_sequence_seconds_total'),
    generated: metricSum(text, 'vllm:generation_tokens_total'),
    finished: metricSum(text, 'vllm:request_success_total'),
  };
}

/**
 * Waits until the simulator has no request running or queued: the requests of workers just
 * stopped are dropped when their connections close, and none may be served in the next
 * measurement's window. Throws when some are still there after `timeoutMs`.
 */
export async function awaitSimIdle(simUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = await fetchText(`${simUrl}/metrics`);
    const left =
      metricSum(text, 'vllm:num_requests_running') + metricSum(text, 'vllm:num_requests_waiting');
    if (left === 0) return;
    if (performance.now() > deadline) {
      throw new Error(`the simulator still serves ${left} sequence(s) of stopped workers`);
    }
    await sleep(200);
  }
}

/** The sum over workers of each named metric (all label sets) on their /metrics. */
export async function workerTotals(
  workers: readonly ServiceProcess[],
  names: readonly string[],
): Promise<Record<string, number>> {
  const texts = await Promise.all(
    workers.map((w) => fetchText(`http://127.0.0.1:${Number(w.ready.httpPort)}/metrics`)),
  );
  return Object.fromEntries(
    names.map((name) => [name, texts.reduce((acc, t) => acc + metricSum(t, name), 0)]),
  );
}

/**
 * How the simulator's integrals map to time: they grow by `batch` capacity sequence-seconds per
 * second of their own clock, which is the wall clock for the fixed latency model (given its
 * latencies scaled) and the simulated clock for the GPU model (which scales itself).
 */
export interface SimClock {
  batch: number;
  /** Simulated seconds per second of the integrals' clock (1 ÷ time scale, or 1). */
  simulatedPerIntegralSecond: number;
}

export interface SimSpan {
  /** Simulated seconds. */
  seconds: number;
  wallSeconds: number;
  /** Δ∫running ÷ Δ∫capacity. */
  busyShare: number;
  meanRunning: number;
  meanQueued: number;
  /** Per simulated second. */
  tokensPerS: number;
  finishedPerS: number;
}

/** What the simulator's counters say of the span between two readings. */
export function simSpan(before: SimReading, after: SimReading, clock: SimClock): SimSpan {
  const integralSeconds = (after.capacity - before.capacity) / clock.batch;
  const seconds = integralSeconds * clock.simulatedPerIntegralSecond;
  return {
    seconds,
    wallSeconds: (after.at - before.at) / 1000,
    busyShare: (after.busy - before.busy) / (after.capacity - before.capacity),
    meanRunning: (after.busy - before.busy) / integralSeconds,
    meanQueued: (after.waiting - before.waiting) / integralSeconds,
    tokensPerS: (after.generated - before.generated) / seconds,
    finishedPerS: (after.finished - before.finished) / seconds,
  };
}

export interface SteadyWindow extends SimSpan {
  /** The simulator's running-sequences gauge sampled every 250 ms (a cross-check). */
  meanRunningSamples: number;
  /** Search units (problem × tree; an eval run) in flight, summed over workers, every second. */
  unitsInFlight: number;
  /** The workers' governors, summed over workers, sampled every second. */
  governorInFlight: number;
  governorLimit: number;
  governorQueued: number;
  /** `workerCounters`' increase over the window, summed over workers. */
  counters: Record<string, number>;
  /** CPU cores used over the window (per wall second). */
  busiestWorkerCpu: number;
  sandboxCpu: number;
  simCpu: number;
}

const GAUGES = [
  'rstar_worker_units_in_flight',
  'rstar_inference_in_flight_requests',
  'rstar_inference_in_flight_limit',
  'rstar_inference_queued_requests',
] as const;

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Measures `windowMs` (wall) from now; `workerCounters` are worker metrics whose increase over
 * the window is wanted (e.g. eval runs written).
 */
export async function measureWindow(
  cluster: Cluster,
  workers: readonly ServiceProcess[],
  windowMs: number,
  clock: SimClock,
  workerCounters: readonly string[] = [],
): Promise<SteadyWindow> {
  const cpu0 = workers.map((w) => w.cpuSeconds());
  const sandbox0 = cluster.sandbox.cpuSeconds();
  const sim0 = cluster.sim.cpuSeconds();
  const counters0 = await workerTotals(workers, workerCounters);
  const before = await readSim(cluster.simUrl);
  const running: number[] = [];
  const gauges: Record<(typeof GAUGES)[number], number[]> = {
    rstar_worker_units_in_flight: [],
    rstar_inference_in_flight_requests: [],
    rstar_inference_in_flight_limit: [],
    rstar_inference_queued_requests: [],
  };
  const end = before.at + windowMs;
  for (let tick = 0; performance.now() < end; tick++) {
    await sleep(Math.min(250, Math.max(0, end - performance.now())));
    const text = await fetchText(`${cluster.simUrl}/metrics`);
    running.push(metricSum(text, 'vllm:num_requests_running'));
    if (tick % 4 === 0) {
      const totals = await workerTotals(workers, GAUGES);
      for (const name of GAUGES) gauges[name].push(totals[name] ?? 0);
    }
  }
  const after = await readSim(cluster.simUrl);
  const counters1 = await workerTotals(workers, workerCounters);
  const span = simSpan(before, after, clock);
  const workerCpu = workers.map((w, j) => (w.cpuSeconds() - (cpu0[j] ?? 0)) / span.wallSeconds);
  return {
    ...span,
    meanRunningSamples: mean(running),
    unitsInFlight: mean(gauges.rstar_worker_units_in_flight),
    governorInFlight: mean(gauges.rstar_inference_in_flight_requests),
    governorLimit: mean(gauges.rstar_inference_in_flight_limit),
    governorQueued: mean(gauges.rstar_inference_queued_requests),
    counters: Object.fromEntries(
      workerCounters.map((n) => [n, (counters1[n] ?? 0) - (counters0[n] ?? 0)]),
    ),
    busiestWorkerCpu: Math.max(...workerCpu),
    sandboxCpu: (cluster.sandbox.cpuSeconds() - sandbox0) / span.wallSeconds,
    simCpu: (cluster.sim.cpuSeconds() - sim0) / span.wallSeconds,
  };
}

/** The window's rows of a benchmark's table, under `key` (the configuration). */
export function windowMetrics(key: string, w: SteadyWindow): Record<string, number> {
  return {
    [`${key}: server busy share`]: w.busyShare,
    [`${key}: mean running sequences`]: w.meanRunning,
    [`${key}: mean running sequences (gauge samples)`]: w.meanRunningSamples,
    [`${key}: mean queued sequences`]: w.meanQueued,
    [`${key}: generated tokens per (simulated) s`]: w.tokensPerS,
    [`${key}: sequences finished per (simulated) s`]: w.finishedPerS,
    [`${key}: workers: mean units in flight`]: w.unitsInFlight,
    [`${key}: worker governors: mean requests in flight`]: w.governorInFlight,
    [`${key}: worker governors: in-flight limit (sum)`]: w.governorLimit,
    [`${key}: worker governors: mean requests queued for a slot`]: w.governorQueued,
    [`${key}: busiest worker CPU (cores)`]: w.busiestWorkerCpu,
    [`${key}: sandbox CPU (cores)`]: w.sandboxCpu,
    [`${key}: simulator CPU (cores)`]: w.simCpu,
  };
}
