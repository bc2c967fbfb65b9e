import type { StepProtocol } from '@rstar-fleet/mcts';
import {
  auditDatasets,
  type AuditReport,
  type ControlDatasets,
  type PairExample,
  type SftExample,
} from './audit';
import { COMPETENCE_KEYS, type Checkpoint } from './checkpoint';

export interface TrainResult {
  checkpoint: Checkpoint;
  audit: AuditReport;
}

/**
 * Simulated training: moves the checkpoint toward what the datasets support, judged by the
 * simulator's own truth (auditDatasets). As in rStar, each round's policy is a model fine-tuned
 * on that round's data, so what it can do is set by the data, not by the model that made it:
 * - Policy, per skill: with `n` SFT steps of which a share `purity` is truly correct, the data
 *   supports `floor + (ceiling − floor) × purity^purityExponent × (1 − e^(−n/(sftScale × problems)))` — `floor`
 *   being what the student model can do untaught — and the competence moves that way by
 *   `sftRate`. Clean, plentiful data raises it; little data (round 1's few solved problems) can
 *   leave the student below its teacher; wrong steps pull it down to the floor.
 * - PPM: among pairs the truth can rank, a share `acc` with the better step chosen gives the
 *   quality `max(0, 2·acc − 1)`; with coverage `1 − e^(−pairs/(ppmScale × problems))` the supported noise is
 *   `maxNoise − (maxNoise − minNoise) × quality × coverage`, approached by `ppmRate`.
 *   Mislabelled pairs push the noise up.
 * - PPM flaw sight: among pairs of a sound step against a lucky flaw (every value right), a
 *   share `acc` with the sound side chosen gives `max(0, 2·acc − 1)`; with coverage
 *   `1 − e^(−n/(sightScale × problems))` that is the sight the pairs support, approached by `ppmRate`.
 * "Correct" throughout means sound: right values computed the right way (truth.ts).
 * The new checkpoint is named `<name+1>` for `rN` names, `<name>-trained` otherwise.
 */
export interface TrainOptions {
  /** Name of the new checkpoint (default `r<N+1>` / `<name>-trained`). */
  name?: string;
  /**
   * Problems searched in the round that produced the data; coverage scales are per problem, so
   * the same round on a larger corpus is not "more data" per skill. Default: the distinct
   * problems the datasets cover.
   */
  problems?: number;
  /** The control extraction of the same trees, audited beside the data (never trained on). */
  control?: ControlDatasets;
}

export function trainCheckpoint(
  checkpoint: Checkpoint,
  sft: Iterable<SftExample>,
  pairs: Iterable<PairExample>,
  protocol: StepProtocol,
  options: TrainOptions = {},
): TrainResult {
  const audit = auditDatasets(sft, pairs, protocol, options.control ?? null);
  const t = checkpoint.training;
  const problems = Math.max(1, options.problems ?? audit.problems);
  const sftScale = t.sftScale * problems;
  const ppmScale = t.ppmScale * problems;
  const competence = { ...checkpoint.policy.competence };
  for (const key of COMPETENCE_KEYS) {
    const { sound, unsound } = audit.sft.bySkill[key];
    const n = sound + unsound;
    if (n === 0) continue;
    const coverage = 1 - Math.exp(-n / sftScale);
    const target = t.floor + (t.ceiling - t.floor) * (sound / n) ** t.purityExponent * coverage;
    competence[key] = clamp(competence[key] + t.sftRate * (target - competence[key]), 0, 1);
  }
  let noise = checkpoint.ppm.noise;
  const ranked = audit.pairs.chosenBetter + audit.pairs.rejectedBetter;
  if (ranked > 0) {
    const quality = Math.max(0, (2 * audit.pairs.chosenBetter) / ranked - 1);
    const coverage = 1 - Math.exp(-ranked / ppmScale);
    const target = t.maxNoise - (t.maxNoise - t.minNoise) * quality * coverage;
    noise = clamp(noise + t.ppmRate * (target - noise), 0, 5);
  }
  let flawSight = checkpoint.ppm.flawSight;
  const { flawRanked, flawChosenSound } = audit.pairs;
  if (flawRanked > 0) {
    const quality = Math.max(0, (2 * flawChosenSound) / flawRanked - 1);
    const coverage = 1 - Math.exp(-flawRanked / (t.sightScale * problems));
    flawSight = clamp(flawSight + t.ppmRate * (quality * coverage - flawSight), 0, 1);
  }
  return {
    checkpoint: {
      ...checkpoint,
      name: options.name ?? nextName(checkpoint.name),
      policy: { ...checkpoint.policy, competence },
      ppm: { ...checkpoint.ppm, noise, flawSight },
    },
    audit,
  };
}

function nextName(name: string): string {
  const m = /^r(\d+)$/.exec(name);
  return m === null ? `${name}-trained` : `r${Number(m[1]) + 1}`;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
