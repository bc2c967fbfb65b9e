import { parseEvalReport } from '@rstar-fleet/evaluation';
import type { EvalManifest } from '@rstar-fleet/protocol';
import { evalFile, readIfExists, roundDir, type ArtifactStore } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import { readEvalManifest } from './eval-manifest';
import { composeEvalProgress, evalProgress, type EvalProgress } from './eval-progress';
import { reportAccuracy } from './eval-report-files';
import type { EvalAccuracy } from './types';

/** One evaluation of a run in `status`: its progress and, once reported, its accuracies. */
export interface EvalStatus extends EvalProgress {
  accuracy: EvalAccuracy[] | null;
}

const EVAL_MANIFEST = /\/eval\/([^/]+)\/eval\.json$/;

/** Every evaluation of a run, round 0 (the starting models) to `rounds`, by round then name. */
export async function listEvalManifests(
  store: ArtifactStore,
  run: string,
  rounds: number,
): Promise<EvalManifest[]> {
  const out: EvalManifest[] = [];
  for (let round = 0; round <= rounds; round++) {
    const keys = await store.list(`${roundDir(run, round)}/eval`);
    for (const key of keys) {
      const name = EVAL_MANIFEST.exec(key)?.[1];
      if (name === undefined) continue;
      const manifest = await readEvalManifest(store, run, round, name);
      if (manifest !== null) out.push(manifest);
    }
  }
  return out;
}

/**
 * Where each evaluation of the run is: from Redis (shard jobs, parent) when `ctx` is given, else
 * what the store knows (reported or not), and each report's accuracies.
 */
export async function evalStatuses(
  store: ArtifactStore,
  run: string,
  rounds: number,
  ctx: FleetContext | null,
): Promise<EvalStatus[]> {
  const out: EvalStatus[] = [];
  for (const manifest of await listEvalManifests(store, run, rounds)) {
    const { round, name } = manifest;
    const key = evalFile(run, round, name, 'report.json');
    const text = await readIfExists(store, key);
    const report = text === null ? null : parseEvalReport(text.toString('utf8'), { source: key });
    const progress =
      ctx === null
        ? composeEvalProgress(manifest, [], {
            reported: report !== null,
            parentFailed: null,
            parentWaiting: false,
            startedAt: null,
            now: Date.now(),
          })
        : await evalProgress(ctx, manifest);
    out.push({ ...progress, accuracy: report === null ? null : reportAccuracy(report) });
  }
  return out;
}
