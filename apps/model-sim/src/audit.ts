import { OP_SPECS } from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import { COMPETENCE_KEYS, type CompetenceKey } from './checkpoint';
import { recoverPrompt, splitSteps } from './recover';
import { judgeSteps, type Verdict } from './truth';

export interface SftExample {
  prompt: string;
  completion: string;
}
export interface PairExample {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface SkillCounts {
  /** Steps sound on their own (`stepSound`). */
  sound: number;
  /** Steps that are wrong, or right by luck (a flaw). */
  unsound: number;
}

/** The audit of one pair of datasets. */
export interface DatasetAudit {
  /** Distinct problems of the family the datasets cover. */
  problems: number;
  sft: {
    rows: number;
    /** Rows whose prompt is not a problem of the family (not judged). */
    unknownRows: number;
    steps: number;
    /** Steps after which every value is still right (lucky flaws included). */
    correctSteps: number;
    /** Steps that are sound on their own: the canonical computation, keeping right values right. */
    soundSteps: number;
    /** Rows whose every step is sound and whose answer is right. */
    soundRows: number;
    bySkill: Record<CompetenceKey, SkillCounts>;
  };
  pairs: {
    rows: number;
    unknownRows: number;
    /** Pairs whose chosen step (a whole trajectory for trajectory pairs) is sound on its own. */
    chosenSound: number;
    /** Pairs whose rejected step is not: wrong, or right by luck (a flaw). */
    rejectedUnsound: number;
    /** Chosen sound, rejected not: the label is right. */
    chosenBetter: number;
    /** Rejected sound, chosen not: the label is backwards. */
    rejectedBetter: number;
    /** Both or neither sound: the truth cannot rank them. */
    undecided: number;
    /**
     * Pairs of a sound side against a step whose code is written the wrong way (a flaw, lucky or
     * not, or any other code mistake): what teaches the PPM to see how a step is written, and so
     * to score down lucky flaws too (train.ts).
     */
    flawRanked: number;
    /** Of those, the pairs with the sound side chosen. */
    flawChosenSound: number;
  };
}

/**
 * The audit of a round's datasets, and of the control extraction from the same trees (random
 * choice among the same candidates, `ranking: random`) when the trees were given: what the
 * step-level Q-values add over picking any correct trajectory.
 */
export interface AuditReport extends DatasetAudit {
  control: DatasetAudit | null;
}

export interface ControlDatasets {
  sft: Iterable<SftExample>;
  pairs: Iterable<PairExample>;
}

const emptySkills = (): Record<CompetenceKey, SkillCounts> =>
  Object.fromEntries(COMPETENCE_KEYS.map((k) => [k, { sound: 0, unsound: 0 }])) as Record<
    CompetenceKey,
    SkillCounts
  >;

/**
 * Truth for measurement: how many SFT steps are truly sound (per skill, judged on the prefix
 * through each step) and how many preference pairs truly have a sound step chosen and an
 * unsound one rejected; the same for the control datasets when given.
 */
export function auditDatasets(
  sft: Iterable<SftExample>,
  pairs: Iterable<PairExample>,
  protocol: StepProtocol,
  control: ControlDatasets | null = null,
): AuditReport {
  return {
    ...auditOne(sft, pairs, protocol),
    control: control === null ? null : auditOne(control.sft, control.pairs, protocol),
  };
}

function auditOne(
  sft: Iterable<SftExample>,
  pairs: Iterable<PairExample>,
  protocol: StepProtocol,
): DatasetAudit {
  const heads = new Set<string>();
  const report: DatasetAudit = {
    problems: 0,
    sft: {
      rows: 0,
      unknownRows: 0,
      steps: 0,
      correctSteps: 0,
      soundSteps: 0,
      soundRows: 0,
      bySkill: emptySkills(),
    },
    pairs: {
      rows: 0,
      unknownRows: 0,
      chosenSound: 0,
      rejectedUnsound: 0,
      chosenBetter: 0,
      rejectedBetter: 0,
      undecided: 0,
      flawRanked: 0,
      flawChosenSound: 0,
    },
  };
  for (const row of sft) auditSftRow(row, protocol, report, heads);
  for (const row of pairs) auditPair(row, protocol, report, heads);
  report.problems = heads.size;
  return report;
}

/**
 * Whether one step is sound, judged on its own: it computes its value the canonical way and keeps
 * a correct prefix correct. A flaw counts once, at the step that makes it, not again at every
 * correct step after it — the data a student learns from, step by step.
 */
function stepSound(before: Verdict, after: Verdict): boolean {
  return after.deviations === before.deviations && (after.onPath || !before.onPath);
}

function auditSftRow(
  row: SftExample,
  protocol: StepProtocol,
  report: DatasetAudit,
  heads: Set<string>,
): void {
  report.sft.rows += 1;
  const found = recoverPrompt(row.prompt, protocol);
  if (found === null) {
    report.sft.unknownRows += 1;
    return;
  }
  heads.add(found.head);
  const k = found.problem.ops.length;
  let prefix = found.steps;
  let before = judgeSteps(found.problem, prefix, protocol);
  let allSound = true;
  splitSteps(row.completion, protocol).forEach((step, i) => {
    prefix += step;
    const after = judgeSteps(found.problem, prefix, protocol);
    const sound = stepSound(before, after);
    const op = i < k ? found.problem.ops[i] : undefined;
    const skill: CompetenceKey = op === undefined ? 'closing' : OP_SPECS[op.kind].skill;
    report.sft.steps += 1;
    report.sft.bySkill[skill][sound ? 'sound' : 'unsound'] += 1;
    if (after.onPath) report.sft.correctSteps += 1;
    if (sound) report.sft.soundSteps += 1;
    else allSound = false;
    before = after;
  });
  if (allSound && before.sound && before.progress === 1) report.sft.soundRows += 1;
}

function auditPair(
  row: PairExample,
  protocol: StepProtocol,
  report: DatasetAudit,
  heads: Set<string>,
): void {
  report.pairs.rows += 1;
  const parent = recoverPrompt(row.prompt, protocol);
  if (parent === null) {
    report.pairs.unknownRows += 1;
    return;
  }
  heads.add(parent.head);
  const judge = (steps: string): Verdict => judgeSteps(parent.problem, steps, protocol);
  const before = judge(parent.steps);
  const chosen = judge(parent.steps + row.chosen);
  const rejected = judge(parent.steps + row.rejected);
  const good = stepSound(before, chosen);
  const bad = stepSound(before, rejected);
  const p = report.pairs;
  if (good) p.chosenSound += 1;
  if (!bad) p.rejectedUnsound += 1;
  if (good && !bad) p.chosenBetter += 1;
  else if (bad && !good) p.rejectedBetter += 1;
  else p.undecided += 1;
  const writtenWrong = (v: Verdict): boolean => v.deviations > before.deviations;
  if ((good && writtenWrong(rejected)) || (bad && writtenWrong(chosen))) {
    p.flawRanked += 1;
    if (good) p.flawChosenSound += 1;
  }
}
