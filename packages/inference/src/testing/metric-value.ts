import type { Registry } from 'prom-client';

/** A metric value from a registry (sum over the series matching `labels`). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
  /** For a histogram: `<name>_count`, `<name>_sum`. */
  series?: string,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  return data.values
    .filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val))
    .filter((v) => series === undefined || (v as { metricName?: string }).metricName === series)
    .reduce((a, v) => a + v.value, 0);
}
