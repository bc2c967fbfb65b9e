import { RstarError } from '@rstar-fleet/protocol';
import { readIfExists, roundFile, type ArtifactStore } from '@rstar-fleet/store';
import type { RoundStats } from './stats';

/**
 * Adds the plan's evaluation of a round's trained models to that round's stats.json, so the
 * round's own record says what it bought. stats.json is written at extraction, before the train
 * and deploy hooks, so this rewrites it whole (atomically, as the extraction wrote it); doing it
 * again after a crash writes the same file.
 */
export async function addToRoundStats(
  store: ArtifactStore,
  run: string,
  round: number,
  evaluation: NonNullable<RoundStats['evaluation']>,
): Promise<void> {
  const key = roundFile(run, round, 'stats.json');
  const data = await readIfExists(store, key);
  if (data === null) {
    throw new RstarError('INTERNAL', `round ${round} was evaluated but has no ${key}`);
  }
  let stats: RoundStats;
  try {
    stats = JSON.parse(data.toString('utf8')) as RoundStats;
  } catch (err) {
    throw new RstarError('INTERNAL', `${key} is not JSON`, { cause: err });
  }
  await store.write(key, `${JSON.stringify({ ...stats, evaluation }, null, 2)}\n`);
}
