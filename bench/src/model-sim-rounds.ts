import { runSimRounds, type Breakage, type RoundOutcome } from '@rstar-fleet/model-sim';
import type { BenchResult } from './bench-result';

const pct = (solved: number, total: number): number =>
  total === 0 ? 0 : Math.round((1000 * solved) / total) / 10;

function metricsOf(prefix: string, outcomes: RoundOutcome[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const o of outcomes) {
    metrics[`${prefix}round${o.round}_solved_pct`] = pct(o.solved, o.problems);
    for (const [band, b] of Object.entries(o.solvedByBand)) {
      metrics[`${prefix}round${o.round}_${band}_solved_pct`] = pct(b.solved, b.problems);
    }
    const audits = { '': o.audit, control_: o.audit.control };
    for (const [name, a] of Object.entries(audits)) {
      if (a === null) continue;
      const at = `${prefix}round${o.round}_${name}`;
      metrics[`${at}sft_steps_sound_pct`] = pct(a.sft.soundSteps, a.sft.steps);
      metrics[`${at}chosen_sound_pct`] = pct(a.pairs.chosenSound, a.pairs.rows);
      metrics[`${at}rejected_unsound_pct`] = pct(a.pairs.rejectedUnsound, a.pairs.rows);
    }
    metrics[`${prefix}round${o.round}_ppm_flaw_sight`] = o.ppmFlawSight;
  }
  return metrics;
}

/**
 * Calibration of the SIMULATOR's default checkpoints (not a model result): the four-round
 * self-evolution loop in process on a synthetic corpus, aiming at the paper's Table 2 shape
 * (≈ 60 → 67 → 78 → 90 % solved, hard problems gaining most once the PPM guides the search),
 * plus the same loop with a broken PPM Q rule and with shuffled extraction, which must stall.
 */
export async function benchModelSimRounds(problems = 300, seed = 1): Promise<BenchResult> {
  const metrics: Record<string, number> = {};
  const breakages: Breakage[] = ['none', 'inverted-ppm', 'shuffled-extraction'];
  for (const breakage of breakages) {
    const outcomes = await runSimRounds({ problems, seed, breakage });
    Object.assign(metrics, metricsOf(breakage === 'none' ? '' : `${breakage}_`, outcomes));
  }
  return {
    name: 'model-sim-rounds',
    description:
      'SIMULATOR calibration: four self-evolution rounds over the synthetic family, solved % per round',
    metrics,
    notes: [
      `${problems} synthetic problems, family seed ${seed}; rounds: terminal Q 8/5, terminal 16/8, PPM 16/8, PPM 16/16 x2 trees`,
      'bands: easy 2-4 steps, medium 5-7, hard 8-10',
    ],
  };
}
