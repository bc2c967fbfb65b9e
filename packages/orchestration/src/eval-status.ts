import { parseEvalReport } from '@rstar-fleet/evaluation';
import type { EvalManifest } from '@rstar-fleet/protocol';
import { evalFile, readIfExists, roundDir, runDir, type ArtifactStore } from '@rstar-fleet/store';
import type { FleetContext } from './context';
import { readEvalManifest } from './eval-manifest';
import { readRunState, runNotFoundError, type RunState } from './run-state';
import { composeEvalProgress, evalProgress, type EvalProgress } from './eval-progress';
import { reportAccuracy } from './eval-report-files';
import type { EvalAccuracy } from './types';

/** One evaluation of a run in `status`: its progress and, once reported, its accuracies. */
export interface EvalStatus extends EvalProgress {
  accuracy: EvalAccuracy[] | null;
}

const EVAL_MANIFEST = /\/round-(\d+)\/eval\/([^/]+)\/eval\.json$/;

/**
 * Every evaluation of a run, by round then name: rounds 0 (the starting models) to `rounds`; with
 * null, every round the store has (a run not started has only evaluations in its directory).
 */
export async function listEvalManifests(
  store: ArtifactStore,
  run: string,
  rounds: number | null,
): Promise<EvalManifest[]> {
  const keys: string[] = [];
  if (rounds === null) keys.push(...(await store.list(runDir(run))));
  for (let round = 0; rounds !== null && round <= rounds; round++) {
    keys.push(...(await store.list(`${roundDir(run, round)}/eval`)));
  }
  const found = keys.flatMap((key) => {
    const m = EVAL_MANIFEST.exec(key);
    return m === null ? [] : [{ round: Number(m[1]), name: m[2] ?? '' }];
  });
  found.sort((a, b) => a.round - b.round || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: EvalManifest[] = [];
  for (const { round, name } of found) {
    const manifest = await readEvalManifest(store, run, round, name);
    if (manifest !== null) out.push(manifest);
  }
  return out;
}

/**
 * A run's state for status and requeue: its run.json, or null for a run `rstar-fleet run` has not
 * begun whose models were evaluated all the same (`rstar-fleet eval --round 0` first): such a run
 * exists through its evaluations. NotFoundError when it has neither.
 */
export async function readRunStateOrEvaluated(
  store: ArtifactStore,
  run: string,
): Promise<RunState | null> {
  const state = await readRunState(store, run);
  if (state !== null) return state;
  if ((await listEvalManifests(store, run, null)).length > 0) return null;
  throw runNotFoundError(run);
}

/**
 * Where each evaluation of the run is: from Redis (shard jobs, parent) when `ctx` is given, else
 * what the store knows (reported or not), and each report's accuracies.
 */
export async function evalStatuses(
  store: ArtifactStore,
  run: string,
  rounds: number | null,
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
