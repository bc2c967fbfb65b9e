import { PAPER_ROUNDS, PLAN_DEFAULTS } from '@rstar-fleet/config';
import {
  createRng,
  difficultyBand,
  equalRational,
  parseRational,
  synthRecord,
  type DifficultyBand,
} from '@rstar-fleet/corpus';
import {
  compileStepProtocol,
  createExtractor,
  createMcts,
  toRecord,
  type PairRow,
  type QRule,
  type SftRow,
} from '@rstar-fleet/mcts';
import type { SearchRecord } from '@rstar-fleet/protocol';
import type { AuditReport } from './audit';
import { DEFAULT_CHECKPOINT, type Checkpoint } from './checkpoint';
import { controlDatasets } from './control';
import { createSimPorts } from './ports';
import { trainCheckpoint } from './train';

/** How a round searches: the fleet's per-round settings (PAPER_ROUNDS), escalation left out. */
export interface RoundSettings {
  qRule: QRule;
  rollouts: number;
  candidates: number;
  /** Trees per problem with different seeds (round 4: 2). */
  trees: number;
  /** Failed code steps in a row that end a branch (rStar: 2 in round 1, 1 later). */
  errorsThreshold: number;
}

// The same per-round defaults the fleet compiles (packages/config), so the in-process loop
// measures what `rstar-fleet demo` runs; only round 4's escalation of unsolved problems is
// left out (the loop reports the round's own budget).
export const ROUND_PLAN: readonly RoundSettings[] = PAPER_ROUNDS.map((r) => ({
  qRule: r.qRule,
  rollouts: r.rollouts,
  candidates: r.candidates,
  trees: r.trees,
  errorsThreshold: r.errorsThreshold,
}));

/**
 * Deliberate faults, to check that the loop notices them:
 * - `inverted-ppm`: the PPM's scores reach the search negated (a broken PPM-augmented Q rule);
 * - `shuffled-extraction`: SFT completions are attached to other problems' prompts and pair
 *   labels are flipped at random (a broken extraction).
 */
export type Breakage = 'none' | 'inverted-ppm' | 'shuffled-extraction';

/** Optional hooks into the loop, e.g. to write results and datasets or to show progress. */
export interface RoundsObserver {
  /** One tree of one problem was searched in round `round` (1-based). */
  searched?(round: number, record: SearchRecord): void | Promise<void>;
  /** A round ended: its datasets, and the checkpoint trained on them for the next round. */
  roundDone?(outcome: RoundOutcome, data: RoundData): void | Promise<void>;
}

export interface RoundData {
  sft: readonly SftRow[];
  pairs: readonly PairRow[];
  trained: Checkpoint;
}

export interface RoundsOptions {
  problems: number;
  /** Corpus family seed and search seed. */
  seed?: number;
  checkpoint?: Checkpoint;
  plan?: readonly RoundSettings[];
  breakage?: Breakage;
  observer?: RoundsObserver;
}

export interface RoundOutcome {
  round: number;
  checkpoint: string;
  solved: number;
  problems: number;
  solvedByBand: Record<DifficultyBand, { solved: number; problems: number }>;
  sftRows: number;
  pairs: number;
  audit: AuditReport;
  competence: Checkpoint['policy']['competence'];
  ppmNoise: number;
  ppmFlawSight: number;
}

const grader = {
  equal(pred: string, ref: string): boolean {
    const a = parseRational(pred);
    const b = parseRational(ref);
    return a !== null && b !== null && equalRational(a, b);
  },
};

/**
 * Self-evolution in miniature, in process (no HTTP): each round searches every problem with the
 * current simulated checkpoint, extracts SFT rows and PPM pairs with the real extractor, and
 * trains the next checkpoint on them. Solved = at least one correct answer in the problem's
 * trees (the paper's Table 2 coverage).
 */
export async function runSimRounds(options: RoundsOptions): Promise<RoundOutcome[]> {
  const seed = options.seed ?? 0;
  const protocol = compileStepProtocol();
  const plan = options.plan ?? ROUND_PLAN;
  const breakage = options.breakage ?? 'none';
  const records = Array.from({ length: options.problems }, (_, i) => synthRecord(seed, i));
  let checkpoint = options.checkpoint ?? DEFAULT_CHECKPOINT;
  const sim = createSimPorts(() => checkpoint, protocol);
  const reward =
    breakage === 'inverted-ppm'
      ? { score: async (p: string[]) => (await sim.reward.score(p)).map((s) => -s) }
      : sim.reward;
  const ports = { policy: sim.policy, executor: sim.executor, reward, grader };
  const extractor = createExtractor();
  const outcomes: RoundOutcome[] = [];
  for (const [r, settings] of plan.entries()) {
    const sft: SftRow[] = [];
    const pairs: PairRow[] = [];
    const searched: SearchRecord[] = [];
    const byBand = emptyBands();
    let solved = 0;
    for (const record of records) {
      let hit = false;
      for (let tree = 0; tree < settings.trees; tree++) {
        const engine = createMcts(ports, {
          qRule: settings.qRule,
          rollouts: settings.rollouts,
          candidates: settings.candidates,
          errorsThreshold: settings.errorsThreshold,
          maxDepth: PLAN_DEFAULTS.maxDepth,
          c: PLAN_DEFAULTS.c,
          seed: seed * 1000 + r * 10 + tree,
          yieldEvery: 0,
        });
        const result = await engine.search({
          id: record.id,
          question: record.problem,
          reference: record.answer,
        });
        const stored = toRecord(result);
        await options.observer?.searched?.(r + 1, stored);
        const data = extractor.extract(stored);
        sft.push(...data.sft);
        pairs.push(...data.pairs);
        searched.push(stored);
        hit ||= data.stats.solved;
      }
      const band = byBand[difficultyBand(record.difficulty)];
      band.problems += 1;
      if (hit) {
        solved += 1;
        band.solved += 1;
      }
    }
    const trainSft = breakage === 'shuffled-extraction' ? shuffleSft(sft, seed) : sft;
    const trainPairs = breakage === 'shuffled-extraction' ? flipPairs(pairs, seed) : pairs;
    const trained = trainCheckpoint(checkpoint, trainSft, trainPairs, protocol, {
      problems: records.length,
      control: controlDatasets(searched, seed),
    });
    const outcome: RoundOutcome = {
      round: r + 1,
      checkpoint: checkpoint.name,
      solved,
      problems: records.length,
      solvedByBand: byBand,
      sftRows: sft.length,
      pairs: pairs.length,
      audit: trained.audit,
      competence: checkpoint.policy.competence,
      ppmNoise: checkpoint.ppm.noise,
      ppmFlawSight: checkpoint.ppm.flawSight,
    };
    outcomes.push(outcome);
    await options.observer?.roundDone?.(outcome, { sft, pairs, trained: trained.checkpoint });
    checkpoint = trained.checkpoint;
  }
  return outcomes;
}

function emptyBands(): Record<DifficultyBand, { solved: number; problems: number }> {
  return {
    easy: { solved: 0, problems: 0 },
    medium: { solved: 0, problems: 0 },
    hard: { solved: 0, problems: 0 },
  };
}

function shuffleSft(rows: SftRow[], seed: number): SftRow[] {
  const rng = createRng(seed + 17);
  const completions = rows.map((r) => r.completion);
  for (let i = completions.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [completions[i], completions[j]] = [completions[j] as string, completions[i] as string];
  }
  return rows.map((r, i) => ({ ...r, completion: completions[i] ?? r.completion }));
}

function flipPairs(rows: PairRow[], seed: number): PairRow[] {
  const rng = createRng(seed + 29);
  return rows.map((r) =>
    rng.float() < 0.5 ? r : { ...r, chosen: r.rejected, rejected: r.chosen },
  );
}
