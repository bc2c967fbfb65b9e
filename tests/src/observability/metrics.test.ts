import { startFleet, type OrchestratorProcess, type TestFleet } from '../fleet/harness';
import {
  allExpressions,
  isExternalMetric,
  metricNames,
  parseExposition,
  queryableNames,
  readTrainerMetrics,
  type MetricFamily,
} from './promql';

/**
 * Every service of a real fleet (private Redis, gRPC sandbox, HTTP simulator, one rollout worker,
 * the orchestrator through `rstar-fleet run` on a one-round plan) is scraped, and the dashboard
 * and alert rules are checked against what the services really export, together with the naming
 * conventions of DESIGN §6 (rstar_ prefix, base units, _total only on counters, no ids as labels).
 */

jest.setTimeout(240_000);

async function scrape(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** Families with the service that exported them. */
type Scrapes = Record<
  'orchestrator' | 'worker' | 'sandbox' | 'simulator',
  Map<string, MetricFamily>
>;

let fleet: TestFleet;
let scrapes: Scrapes;
/** The orchestrator's first scrape: round 1's shards waiting, no worker yet. */
let orchestratorBefore: Map<string, MetricFamily>;

beforeAll(async () => {
  fleet = await startFleet({ workers: 0, rounds: 1, problems: 6, shardSize: 3 });
  const orch: OrchestratorProcess = await fleet.startOrchestrator();
  const orchBase = `http://127.0.0.1:${orch.info.httpPort}`;
  const orchUrl = `${orchBase}/metrics`;
  // Ready = ingest done and round 1's flow in the queues (the first scrape sees it all).
  while ((await fetch(`${orchBase}/readyz`)).status !== 200) {
    await new Promise((r) => setTimeout(r, 100));
  }
  orchestratorBefore = parseExposition(await scrape(orchUrl));
  // Scrape the orchestrator while the run goes on; it exits once the round is done.
  let orchestratorLast = orchestratorBefore;
  let running = true;
  const exited = orch.exited.then((how) => {
    running = false;
    return how;
  });
  await fleet.addWorker();
  while (running) {
    try {
      orchestratorLast = parseExposition(await scrape(orchUrl));
    } catch {
      // the process is exiting
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 250))]);
  }
  const how = await exited;
  if (how.code !== 0)
    throw new Error(`rstar-fleet run exited ${String(how.code)}:\n${fleet.logTail(60)}`);
  const worker = fleet.workers[0];
  if (worker === undefined || fleet.sim === null) throw new Error('fleet incomplete');
  scrapes = {
    orchestrator: orchestratorLast,
    worker: parseExposition(await scrape(`http://127.0.0.1:${worker.info.httpPort}/metrics`)),
    sandbox: parseExposition(
      await scrape(`http://127.0.0.1:${fleet.sandbox.info.metricsPort}/metrics`),
    ),
    simulator: parseExposition(await scrape(`${fleet.simUrl}/metrics`)),
  };
});

afterAll(async () => {
  await fleet?.teardown();
});

/** Our services' families (the simulator emulates vLLM and is checked separately). */
function ownFamilies(): [string, MetricFamily][] {
  return (['orchestrator', 'worker', 'sandbox'] as const).flatMap((service) =>
    [...scrapes[service].values()].map((f): [string, MetricFamily] => [service, f]),
  );
}

describe('observability of a real fleet', () => {
  it('exports every metric the dashboard and the alert rules query', () => {
    // The trainer runs as the train hook, not in this fleet: its names come from its contract
    // (infra/prometheus/trainer-metrics.json, checked in trainer-metrics.test.ts).
    const exported = new Set<string>(readTrainerMetrics().map((m) => m.name));
    for (const families of Object.values(scrapes)) {
      for (const f of families.values()) for (const n of queryableNames(f)) exported.add(n);
    }
    const missing: string[] = [];
    let checked = 0;
    for (const { where, expr } of allExpressions()) {
      for (const name of metricNames(expr)) {
        checked++;
        if (!exported.has(name) && !isExternalMetric(name)) missing.push(`${where}: ${name}`);
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('names follow the conventions: rstar_ prefix, base units, _total only on counters', () => {
    const problems: string[] = [];
    for (const [service, f] of ownFamilies()) {
      const where = `${service} ${f.name} (${f.type})`;
      // prom-client's default metrics keep their own (Prometheus client library) names.
      if (/^(process_|nodejs_)/.test(f.name)) continue;
      if (!f.name.startsWith('rstar_')) problems.push(`${where}: no rstar_ prefix`);
      if (f.type === 'counter' && !f.name.endsWith('_total'))
        problems.push(`${where}: counter without _total`);
      if (f.type !== 'counter' && f.name.endsWith('_total'))
        problems.push(`${where}: _total on a ${f.type}`);
      if (/_(ms|milliseconds|minutes|hours|kb|mb|percent)(_|$)/.test(f.name)) {
        problems.push(`${where}: not a base unit`);
      }
      if (f.type === 'histogram' && !/_(seconds|bytes)$/.test(f.name)) {
        problems.push(`${where}: histogram without a unit suffix`);
      }
      if (/duration|latency|delay|lag|_eta/.test(f.name) && !/_seconds(_|$)/.test(f.name)) {
        problems.push(`${where}: a time not in _seconds`);
      }
      if (f.help === '') problems.push(`${where}: no HELP`);
    }
    expect(problems).toEqual([]);
  });

  it('labels every series with its service and no label value looks like an id', () => {
    const run = fleet.run;
    const problems: string[] = [];
    const expected = { orchestrator: 'orchestrator', worker: 'rollout-worker', sandbox: 'sandbox' };
    for (const [service, f] of ownFamilies()) {
      for (const s of f.samples) {
        const where = `${service} ${s.name}${JSON.stringify(s.labels)}`;
        if (s.labels.service !== expected[service as keyof typeof expected]) {
          problems.push(`${where}: service label`);
        }
        // Build and run metadata (`_info`, value 1): the one place a version or run id belongs.
        if (f.name.endsWith('_info')) continue;
        for (const [label, value] of Object.entries(s.labels)) {
          if (/^(job|job_id|shard|shard_id|problem|problem_id|run|unit|request_id)$/.test(label)) {
            problems.push(`${where}: id label ${label}`);
          }
          const idLike =
            value.includes(run) ||
            /^(shard|round)-/.test(value) ||
            /[0-9a-f]{8,}/i.test(value) ||
            /^[0-9a-f-]{36}$/i.test(value) ||
            /@\d+$/.test(value) || // a search unit key
            (/^\d+$/.test(value) && label !== 'round' && label !== 'le' && Number(value) > 16);
          if (idLike) {
            problems.push(`${where}: ${label}="${value}" looks like an id`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    const info = scrapes.orchestrator.get('rstar_run_info')?.samples[0]?.labels.run;
    expect(info).toBe(run);
  });

  it('counts what the fleet did', () => {
    const value = (
      families: Map<string, MetricFamily>,
      sample: string,
      labels: Record<string, string> = {},
    ): number => {
      let total = 0;
      for (const f of families.values()) {
        for (const s of f.samples) {
          if (s.name !== sample) continue;
          if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
        }
      }
      return total;
    };
    const { worker, orchestrator, sandbox } = scrapes;
    // Before any worker: the orchestrator sees round 1's two shard jobs waiting.
    expect(
      value(orchestratorBefore, 'rstar_queue_jobs', { queue: 'shards', state: 'waiting' }),
    ).toBe(2);
    expect(value(orchestratorBefore, 'rstar_round_shards', { state: 'waiting' })).toBe(2);
    expect(value(orchestratorBefore, 'rstar_round_problems', { round: '1' })).toBe(6);
    expect(value(orchestratorBefore, 'rstar_round_progress_ratio', { round: '1' })).toBe(0);
    expect(value(orchestrator, 'rstar_run_rounds')).toBe(1);
    // The worker searched all six problems of round 1.
    expect(value(worker, 'rstar_problems_searched_total', { round: '1' })).toBe(6);
    expect(value(worker, 'rstar_problems_solved_total', { round: '1' })).toBeLessThanOrEqual(6);
    expect(value(worker, 'rstar_rollouts_total')).toBeGreaterThan(0);
    expect(value(worker, 'rstar_expansions_total')).toBeGreaterThan(0);
    const terminals = ['correct', 'wrong', 'code-error', 'invalid', 'depth-limit'].map((outcome) =>
      value(worker, 'rstar_terminals_total', { outcome }),
    );
    expect(terminals.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(
      value(worker, 'rstar_worker_sandbox_call_duration_seconds_count', { outcome: 'ok' }),
    ).toBe(value(worker, 'rstar_worker_sandbox_call_duration_seconds_count'));
    expect(value(worker, 'rstar_inference_requests_total', { role: 'policy' })).toBeGreaterThan(0);
    expect(value(sandbox, 'rstar_sandbox_executions_total')).toBeGreaterThan(0);
    expect(value(sandbox, 'rstar_sandbox_queue_limit')).toBeGreaterThan(0);
    // The worker reached every dependency of the round it searched, and says so.
    const up = scrapes.worker.get('rstar_worker_dependency_up')?.samples ?? [];
    expect(up.map((s) => s.labels.dependency).sort()).toEqual([
      'policy',
      'ppm',
      'redis',
      'sandbox',
    ]);
    expect(up.filter((s) => s.value !== 1)).toEqual([]);
    expect(up.find((s) => s.labels.dependency === 'sandbox')?.labels.endpoint).toBe(
      fleet.sandbox.address,
    );
  });
});
