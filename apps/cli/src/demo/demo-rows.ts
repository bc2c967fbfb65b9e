import { z } from 'zod';
import type { RoundPlan } from '@rstar-fleet/config';
import { difficultyBand } from '@rstar-fleet/corpus';
import { DEFAULT_CHECKPOINT } from '@rstar-fleet/model-sim';
import type { RoundDoneEvent } from '@rstar-fleet/orchestration';
import type { AuditColumns, Band, DemoRound, Shares } from './demo-table';

/** The audit counts the table shows, of the data and of the control extraction. */
const datasetAudit = z.looseObject({
  sft: z.looseObject({ steps: z.number(), soundSteps: z.number() }),
  pairs: z.looseObject({
    rows: z.number(),
    chosenSound: z.number(),
    rejectedUnsound: z.number(),
  }),
});

/**
 * What `rstar-fleet model-sim train` prints as its result line (the train hook's output the
 * orchestrator keeps): the trained checkpoint's competence and PPM noise, and the audit.
 * Parsed loosely: a trainer that prints less just leaves those columns empty.
 */
const trainResultSchema = z.looseObject({
  competence: z.record(z.string(), z.number()).optional(),
  ppmNoise: z.number().optional(),
  audit: z
    .looseObject({
      ...datasetAudit.shape,
      control: datasetAudit.nullable().optional(),
    })
    .optional(),
});

const mean = (values: readonly number[]): number =>
  values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

/** How a round searched, as the table shows it. */
export function describeSearch(round: RoundPlan): string {
  const s = round.search;
  return (
    `${s.qRule} Q, ${s.rollouts}x${s.candidates}` +
    (s.trees > 1 ? ` x${s.trees} trees` : '') +
    (s.escalation.length > 0 ? `, then ${s.escalation.join('>')}` : '')
  );
}

/** Folds `byDifficulty` (synthetic difficulty = steps) into the simulator's three bands. */
export function bandsOf(
  byDifficulty: RoundDoneEvent['stats']['byDifficulty'],
): DemoRound['byBand'] {
  const bands: DemoRound['byBand'] = {
    easy: { problems: 0, solved: 0 },
    medium: { problems: 0, solved: 0 },
    hard: { problems: 0, solved: 0 },
  };
  for (const [key, group] of Object.entries(byDifficulty)) {
    const steps = Number(key);
    if (!Number.isFinite(steps)) continue;
    const band: Band = difficultyBand(steps);
    bands[band].problems += group.problems;
    bands[band].solved += group.solved;
  }
  return bands;
}

/**
 * The table rows of a finished run: each round's stats, the policy it searched with, and the
 * train hook's audit and trained checkpoint (competence before = the previous round's after,
 * round 1 starting from the simulator's built-in r0).
 */
export function demoRows(
  events: readonly RoundDoneEvent[],
  plans: readonly RoundPlan[],
  policies: ReadonlyMap<number, string>,
): DemoRound[] {
  let competence = mean(Object.values(DEFAULT_CHECKPOINT.policy.competence));
  let noise = DEFAULT_CHECKPOINT.ppm.noise;
  return [...events]
    .sort((a, b) => a.round - b.round)
    .map((event) => {
      const parsed = trainResultSchema.safeParse(event.hooks.train?.result ?? {});
      const train = parsed.success ? parsed.data : {};
      const after = train.competence === undefined ? null : mean(Object.values(train.competence));
      const plan = plans[event.round - 1];
      const row: DemoRound = {
        round: event.round,
        search: plan === undefined ? '-' : describeSearch(plan),
        policy: policies.get(event.round) ?? plan?.policy.model ?? '-',
        problems: event.stats.problems,
        solved: event.stats.solved,
        byBand: bandsOf(event.stats.byDifficulty),
        sftRows: event.stats.sftRows,
        pairs: event.stats.pairs,
        audit: train.audit === undefined ? null : auditColumns(train.audit),
        competence: { before: competence, after },
        ppmNoise: { before: noise, after: train.ppmNoise ?? null },
        wallSeconds: event.stats.wallTimeSeconds,
        sandboxExecutions: event.stats.sandboxExecutions,
        failedShards: event.stats.failedShards.length,
      };
      competence = after ?? competence;
      noise = train.ppmNoise ?? noise;
      return row;
    });
}

function sharesOf(a: z.infer<typeof datasetAudit>): Shares {
  return {
    sftSound: [a.sft.soundSteps, a.sft.steps],
    chosenSound: [a.pairs.chosenSound, a.pairs.rows],
    rejectedUnsound: [a.pairs.rejectedUnsound, a.pairs.rows],
  };
}

function auditColumns(
  audit: z.infer<typeof datasetAudit> & { control?: z.infer<typeof datasetAudit> | null },
): AuditColumns {
  return {
    data: sharesOf(audit),
    control: audit.control === undefined || audit.control === null ? null : sharesOf(audit.control),
  };
}
