import { readFileSync } from 'node:fs';
import {
  ALERTS_PATH,
  DASHBOARD_PATH,
  allExpressions,
  metricNames,
  readAlerts,
  readDashboard,
} from './promql';

/**
 * The static side of the observability files: the alert rules parse and carry what Prometheus
 * and an on-call person need; the dashboard imports as is (datasource as a variable, no
 * hard-coded uid) and has the rows users look for. Whether the metrics they query exist is
 * checked against real services in metrics.test.ts.
 */

describe('infra/prometheus/alerts.yaml', () => {
  const file = readAlerts();
  const rules = file.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));

  it('has the required groups and alerts', () => {
    expect(file.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining([
        'rstar-rounds',
        'rstar-shards',
        'rstar-sandbox',
        'rstar-inference',
        'rstar-workers',
      ]),
    );
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'RstarRoundStalled',
        'RstarShardsFailed',
        'RstarSandboxSaturated',
        'RstarSandboxQueueNearLimit',
        'RstarInferenceErrors',
        'RstarWorkersDown',
        'RstarNoWorkers',
        'RstarWorkerDependencyDown',
      ]),
    );
  });

  it('alerts within minutes when a worker cannot reach a dependency, naming it', () => {
    const rule = rules.find((r) => r.alert === 'RstarWorkerDependencyDown');
    expect(rule?.group).toBe('rstar-workers');
    expect(rule?.expr).toContain('rstar_worker_dependency_up');
    expect(rule?.expr).toMatch(/by \(instance, dependency, endpoint\)/);
    expect(rule?.for).toBe('2m');
    expect(rule?.annotations?.summary).toContain('{{ $labels.endpoint }}');
  });

  it('every rule has an expression, a severity, a summary and a description', () => {
    const names = new Set<string>();
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Rstar[A-Za-z]+$/);
      expect(names.has(rule.alert ?? '')).toBe(false);
      names.add(rule.alert ?? '');
      expect(typeof rule.expr).toBe('string');
      expect(metricNames(rule.expr).size).toBeGreaterThan(0);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.length ?? 0).toBeGreaterThan(10);
      expect(rule.annotations?.description?.length ?? 0).toBeGreaterThan(20);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
      // Balanced brackets: a cheap syntax check (Prometheus itself is not installed here).
      for (const [open, close] of ['()', '{}', '[]']) {
        const count = (c: string): number => rule.expr.split(c).length - 1;
        expect(count(open as string)).toBe(count(close as string));
      }
    }
  });
});

describe('infra/grafana/rstar-fleet.json', () => {
  const dashboard = readDashboard();

  it('imports as is: a datasource variable, no hard-coded datasource uid', () => {
    expect(dashboard.uid).toBe('rstar-fleet');
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of panel.targets ?? []) expect(t.datasource?.uid).toBe('${datasource}');
    }
    const raw = readFileSync(DASHBOARD_PATH, 'utf8');
    expect(raw).not.toMatch(/"uid":\s*"(?!\$\{datasource\}|rstar-fleet|prometheus")/);
  });

  it('has the rows users look for', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual([
      'Round progress and solve rate',
      'Search throughput',
      'Inference',
      'Sandbox',
      'Queues and failures',
      'Workers',
      'Training',
      'Evaluation',
    ]);
    const exprs = allExpressions()
      .map((e) => e.expr)
      .join('\n');
    for (const needed of [
      'rstar_round_progress_ratio',
      'rstar_rollouts_total',
      'rstar_inference_in_flight_limit',
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'rstar_sandbox_execution_duration_seconds_bucket',
      'rstar_queue_jobs',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'rstar_worker_dependency_up',
      'rstar_eval_accuracy',
      'rstar_eval_progress_ratio',
    ]) {
      expect(exprs).toContain(needed);
    }
  });

  it('is read by the same path the compose stack provisions', () => {
    expect(ALERTS_PATH.endsWith('infra/prometheus/alerts.yaml')).toBe(true);
    const compose = readFileSync(
      ALERTS_PATH.replace('prometheus/alerts.yaml', 'compose.yaml'),
      'utf8',
    );
    expect(compose).toContain('./grafana:/var/lib/grafana/dashboards/rstar-fleet');
    expect(compose).toContain('./prometheus:/etc/prometheus/rstar');
  });
});
