import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const repoRoot = join(__dirname, '..', '..', '..');
export const DASHBOARD_PATH = join(repoRoot, 'infra', 'grafana', 'rstar-fleet.json');
export const ALERTS_PATH = join(repoRoot, 'infra', 'prometheus', 'alerts.yaml');
/** The trainer's metrics contract (apps/trainer exports them; the fleet tests cannot scrape it). */
export const TRAINER_METRICS_PATH = join(repoRoot, 'infra', 'prometheus', 'trainer-metrics.json');

/** PromQL words that look like identifiers but are not metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * Metric names a PromQL expression reads: identifiers that are not functions (followed by `(`),
 * keywords, label names inside `{…}` or grouping clauses, strings, durations or numbers. Enough
 * for the expressions of this repository's dashboard and rules (no subquery tricks).
 */
export function metricNames(expr: string): Set<string> {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // groupings
    .replace(/\boffset\s+\d+[smhdwy]/g, ' ');
  const names = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const after = text.slice((m.index ?? 0) + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return names;
}

export interface DashboardPanel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { type: string; uid: string } }[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: string }[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
}

export interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  groups: { name: string; rules: AlertRule[] }[];
}

export function readAlerts(): RuleFile {
  return parse(readFileSync(ALERTS_PATH, 'utf8')) as RuleFile;
}

/** Every PromQL expression of the dashboard and the rules, with where it comes from. */
export function allExpressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const panel of readDashboard().panels) {
    for (const t of panel.targets ?? [])
      out.push({ where: `panel "${panel.title}"`, expr: t.expr });
  }
  for (const group of readAlerts().groups) {
    for (const rule of group.rules) {
      out.push({ where: `rule ${rule.alert ?? rule.record ?? '?'}`, expr: rule.expr });
    }
  }
  return out;
}

/** Metrics other exporters provide (vLLM, Prometheus itself, kube-state-metrics, redis_exporter). */
export function isExternalMetric(name: string): boolean {
  return /^(vllm:|kube_|redis_|keda_)/.test(name) || name === 'up';
}

/** One family of a Prometheus text exposition. */
export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Parses the text format (as prom-client and vLLM write it). */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  let current: MetricFamily | undefined;
  for (const line of text.split('\n')) {
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help !== null) {
      family(help[1] ?? '').help = help[2] ?? '';
      continue;
    }
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      current = family(type[1] ?? '');
      current.type = type[2] ?? 'untyped';
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (sample === null) continue;
    const name = sample[1] ?? '';
    const labels: Record<string, string> = {};
    for (const m of (sample[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[m[1] ?? ''] = m[2] ?? '';
    }
    const base =
      current !== undefined && (name === current.name || name.startsWith(`${current.name}_`))
        ? current
        : family(name);
    base.samples.push({ name, labels, value: Number(sample[4]) });
  }
  return families;
}

/** Names a PromQL expression may use for a family: the name, plus _bucket/_sum/_count. */
export function queryableNames(f: MetricFamily): string[] {
  if (f.type === 'histogram') {
    return [f.name, `${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`];
  }
  if (f.type === 'summary') return [f.name, `${f.name}_sum`, `${f.name}_count`];
  return [f.name];
}

export interface TrainerMetric {
  name: string;
  type: 'gauge' | 'counter';
  labels: string[];
}

/** The metrics `rstar-train` serves while a round trains (infra/prometheus/trainer-metrics.json). */
export function readTrainerMetrics(): TrainerMetric[] {
  return (JSON.parse(readFileSync(TRAINER_METRICS_PATH, 'utf8')) as { metrics: TrainerMetric[] })
    .metrics;
}
