import {
  buildEvalReport,
  renderEvalMarkdown,
  renderEvalSvg,
  type EvalReport,
} from '@rstar-fleet/evaluation';
import { isEquivalent } from '@rstar-fleet/grader';
import type { GraderPort } from '@rstar-fleet/mcts';
import type { EvalManifest, EvalRunRecord } from '@rstar-fleet/protocol';
import { evalFile, type ArtifactStore } from '@rstar-fleet/store';
import { EvalRecordsMissingError } from './eval-records-missing-error';
import { readEvalManifest } from './eval-manifest';
import { readEvalResults } from './eval-results';
import type { EvalAccuracy } from './types';

/** The grader's equivalence, as the workers grade terminal answers. */
const grader: GraderPort = { equal: (pred, ref) => isEquivalent(pred, ref) };

/**
 * Builds an evaluation's report from its manifest and records and writes it beside the
 * evaluation: report.md and report.svg, then report.json last (its presence means reported).
 */
export async function writeEvalReport(
  store: ArtifactStore,
  manifest: EvalManifest,
  records: readonly EvalRunRecord[],
): Promise<EvalReport> {
  const report = await buildEvalReport(manifest, records, grader);
  const { run, round, name } = manifest;
  await store.write(evalFile(run, round, name, 'report.md'), renderEvalMarkdown(report));
  await store.write(evalFile(run, round, name, 'report.svg'), renderEvalSvg(report));
  await store.write(
    evalFile(run, round, name, 'report.json'),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  return report;
}

/** Accuracy of each benchmark × mode of a report (for metrics and status). */
export function reportAccuracy(report: EvalReport): EvalAccuracy[] {
  return report.benchmarks.flatMap((b) =>
    b.modes.map((m) => ({ benchmark: b.name, mode: m.mode, accuracy: m.accuracy?.value ?? null })),
  );
}

/**
 * `rstar-fleet eval --report`: the report recounted from the stored records alone (no Redis, no
 * workers) and written again. Refused (EvalRecordsMissingError) when the evaluation does not
 * exist or some of its runs have no record: a partial recount would not be the evaluation's.
 */
export async function recountEvalReport(
  store: ArtifactStore,
  run: string,
  round: number,
  name: string,
): Promise<EvalReport> {
  const manifest = await readEvalManifest(store, run, round, name);
  if (manifest === null) {
    throw new EvalRecordsMissingError(
      `run ${run} has no evaluation "${name}" of round ${round} (${evalFile(run, round, name, 'eval.json')})`,
    );
  }
  const records = await readEvalResults(store, manifest);
  const report = await buildEvalReport(manifest, records, grader);
  const missing = report.benchmarks.flatMap((b) =>
    b.modes
      .filter((m) => !m.complete)
      .map((m) => `${b.name} ${m.mode}: ${m.recordedRuns} of ${m.expectedRuns} runs recorded`),
  );
  if (missing.length > 0) {
    throw new EvalRecordsMissingError(
      `evaluation "${name}" of run ${run}, round ${round} is missing records (${missing.join('; ')}); ` +
        'run the same `rstar-fleet eval` to finish it',
    );
  }
  return writeEvalReport(store, manifest, records);
}
