/**
 * What every benchmark returns: named measurements plus the baseline they are compared with,
 * measured in the same run (these machines are noisy, so only same-run ratios mean anything).
 */
export interface BenchResult {
  /** Short name, e.g. `mcts-engine-overhead`. */
  name: string;
  /** One line on what was measured and against what. */
  description: string;
  /** Rows of the printed table: metric name → value with its unit in the name. */
  metrics: Record<string, number>;
  /** Free-form notes (machine, sizes, caveats). */
  notes?: string[];
}

export function formatBenchResult(result: BenchResult): string {
  const width = Math.max(...Object.keys(result.metrics).map((k) => k.length), 10);
  const lines = [`## ${result.name}`, result.description, ''];
  for (const [key, value] of Object.entries(result.metrics)) {
    const shown = Number.isInteger(value) ? String(value) : value.toPrecision(4);
    lines.push(`  ${key.padEnd(width)}  ${shown}`);
  }
  for (const note of result.notes ?? []) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
