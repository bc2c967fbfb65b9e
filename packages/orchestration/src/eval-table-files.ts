import {
  ROUND_TABLE_VERSION,
  RoundTableSchema,
  parseEvalReport,
  renderRoundTableMarkdown,
  renderRoundTableSvg,
  roundTable,
  type EvalReport,
  type RoundTable,
} from '@rstar-fleet/evaluation';
import { parseVersionedJson } from '@rstar-fleet/protocol';
import { readIfExists, runDir, type ArtifactStore } from '@rstar-fleet/store';

/** `runs/<run>/eval-table.{json,md,svg}`: the run's round-by-round table (rounds 0..N). */
export function evalTableKey(run: string, ext: 'json' | 'md' | 'svg'): string {
  return `${runDir(run)}/eval-table.${ext}`;
}

/**
 * Writes the round table of the given reports (the plan's evaluations reported so far) beside
 * run.json: the Markdown and the chart first, the JSON last (status reads the JSON). Written
 * whole after each evaluation, so it is never older than the last report behind run.json.
 */
export async function writeEvalTable(
  store: ArtifactStore,
  run: string,
  reports: readonly EvalReport[],
): Promise<RoundTable> {
  const table = roundTable(reports.map((report) => ({ round: report.round, report })));
  await store.write(evalTableKey(run, 'md'), renderRoundTableMarkdown(table));
  await store.write(evalTableKey(run, 'svg'), renderRoundTableSvg(table));
  await store.write(evalTableKey(run, 'json'), `${JSON.stringify(table, null, 2)}\n`);
  return table;
}

/** The run's round table as last written; null when no evaluation of the plan reported yet. */
export async function readEvalTable(store: ArtifactStore, run: string): Promise<RoundTable | null> {
  const key = evalTableKey(run, 'json');
  const data = await readIfExists(store, key);
  if (data === null) return null;
  return parseVersionedJson(
    data.toString('utf8'),
    { source: key },
    { what: 'round table', schema: RoundTableSchema, version: ROUND_TABLE_VERSION },
  );
}

/** An evaluation's report.json from the store; null while it is not written. */
export async function readEvalReportIfAny(
  store: ArtifactStore,
  key: string,
): Promise<EvalReport | null> {
  const data = await readIfExists(store, key);
  return data === null ? null : parseEvalReport(data.toString('utf8'), { source: key });
}
