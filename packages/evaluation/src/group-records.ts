import { evalRunKey, type EvalManifest, type EvalRunRecord } from '@rstar-fleet/protocol';
import { DuplicateEvalRunError } from './duplicate-eval-run-error';
import { EvalRecordMismatchError } from './eval-record-mismatch-error';

/** One problem's recorded runs under one mode, in run order (possibly with gaps: partial). */
export interface ProblemRuns {
  readonly problemId: string;
  readonly reference: string;
  readonly runs: readonly EvalRunRecord[];
}

/** Code-unit order, never locale order: the report must not depend on the machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRecords(a: EvalRunRecord, b: EvalRunRecord): number {
  return (
    compareText(a.benchmark, b.benchmark) ||
    compareText(a.mode, b.mode) ||
    compareText(a.problemId, b.problemId) ||
    a.run - b.run
  );
}

/** Key of a benchmark × mode in the grouped records. */
export function cellKey(benchmark: string, mode: string): string {
  return `${benchmark}\u0000${mode}`;
}

/**
 * Sorts the records by (benchmark, mode, problemId, run), so everything computed from them is the
 * same whatever order they were appended in, checks each against the manifest, and groups them
 * per benchmark × mode into problems (in problemId order).
 */
export function groupRecords(
  manifest: EvalManifest,
  records: readonly EvalRunRecord[],
): Map<string, ProblemRuns[]> {
  const runsOf = new Map(manifest.modes.map((m) => [m.mode, m.runs]));
  const problemsOf = new Map(manifest.benchmarks.map((b) => [b.name, b.problems]));
  const groups = new Map<string, ProblemRuns[]>();
  const seen = new Set<string>();
  for (const record of [...records].sort(compareRecords)) {
    const key = evalRunKey(record);
    if (seen.has(key)) throw new DuplicateEvalRunError(key);
    seen.add(key);
    const runs = runsOf.get(record.mode);
    const problems = problemsOf.get(record.benchmark);
    if (problems === undefined) {
      throw new EvalRecordMismatchError(key, `benchmark ${record.benchmark} is not evaluated`);
    }
    if (runs === undefined) {
      throw new EvalRecordMismatchError(key, `mode ${record.mode} is not evaluated`);
    }
    if (record.run >= runs) {
      throw new EvalRecordMismatchError(key, `run ${record.run} of a mode with ${runs} runs`);
    }
    if (record.seed !== manifest.seed + record.run) {
      throw new EvalRecordMismatchError(
        key,
        `run ${record.run} must use seed ${manifest.seed + record.run}, not ${record.seed}`,
      );
    }
    const cell = cellKey(record.benchmark, record.mode);
    const list = groups.get(cell) ?? [];
    groups.set(cell, list);
    const last = list[list.length - 1];
    if (last !== undefined && last.problemId === record.problemId) {
      if (last.reference !== record.reference) {
        throw new EvalRecordMismatchError(
          key,
          `reference ${JSON.stringify(record.reference)} differs from its other runs' ` +
            JSON.stringify(last.reference),
        );
      }
      (last.runs as EvalRunRecord[]).push(record);
      continue;
    }
    if (list.length === problems) {
      throw new EvalRecordMismatchError(key, `more than the ${problems} problems evaluated`);
    }
    list.push({ problemId: record.problemId, reference: record.reference, runs: [record] });
  }
  return groups;
}
