import {
  trajectoryOf,
  type CompiledTestTimeOptions,
  type GraderPort,
  type TestTimeCost,
  type TestTimeOutcome,
} from '@rstar-fleet/mcts';
import type { PortsTarget } from './fleet-ports';

/** One step of the winning trajectory, as `solve` shows it. */
export interface SolveStep {
  depth: number;
  kind: string;
  /** The step as the policy wrote it, code and sandbox output included. */
  text: string;
  /** The PPM's score of the prefix ending at this step, when scored. */
  ppm: number | null;
  /** Execution status when the step's program did not run cleanly. */
  exec: string | null;
}

/** What `solve --json` prints per problem (the search trees go to `--tree`). */
export interface SolveRecord {
  problemId: string;
  question: string;
  /** The known answer, when the problem came with one (a corpus file). */
  reference: string | null;
  mode: CompiledTestTimeOptions['mode'];
  models: { policy: string; ppm: string | null; source: string };
  settings: {
    runs: number;
    seed: number;
    topK: number;
    vote: string;
    candidates: number;
    rollouts: number;
    temperature: number;
  };
  /** The chosen answer; null when no run reached one. */
  answer: string | null;
  /** The winning tally: votes, summed PPM, or the PPM score (best-of-n). */
  score: number | null;
  /** Candidates that gave the chosen answer, of `considered`. */
  support: number;
  considered: number;
  /** The grader's verdict against `reference`; null without one. */
  correct: boolean | null;
  winner: {
    run: number;
    seed: number;
    nodeId: string;
    ppm: number | null;
    steps: SolveStep[];
  } | null;
  classes: { answer: string; votes: number; weight: number; runs: number[] }[];
  runs: { run: number; seed: number; answer: string | null; ppm: number | null }[];
  cost: TestTimeCost;
  wallSeconds: number;
}

export interface SolveContext {
  target: PortsTarget;
  source: string;
  options: CompiledTestTimeOptions;
  reference: string | null;
  grader: GraderPort;
  wallSeconds: number;
}

/** The record of one solved problem; grades the chosen answer when a reference is known. */
export async function solveRecord(
  outcome: TestTimeOutcome,
  ctx: SolveContext,
): Promise<SolveRecord> {
  const chosen = outcome.answer;
  const o = ctx.options;
  const winnerRun = chosen === null ? undefined : outcome.runs[chosen.best.run];
  const correct =
    ctx.reference === null
      ? null
      : chosen !== null && (await ctx.grader.equal(chosen.answer, ctx.reference));
  return {
    problemId: outcome.problemId,
    question: outcome.question,
    reference: ctx.reference,
    mode: outcome.mode,
    models: {
      policy: ctx.target.policy.model,
      ppm: ctx.target.ppm?.model ?? null,
      source: ctx.source,
    },
    settings: {
      runs: o.runs,
      seed: o.seed,
      topK: o.selection.topK,
      vote: o.selection.vote,
      candidates: o.mode === 'beam' ? o.beam.candidates : o.mcts.candidates,
      rollouts: o.mcts.rollouts,
      temperature: ctx.target.sampling.temperature,
    },
    answer: chosen?.answer ?? null,
    score: chosen?.score ?? null,
    support: chosen?.support ?? 0,
    considered: chosen?.considered ?? 0,
    correct,
    winner:
      chosen === null || winnerRun === undefined
        ? null
        : {
            run: winnerRun.run,
            seed: winnerRun.seed,
            nodeId: chosen.best.nodeId,
            ppm: chosen.best.score,
            steps: trajectoryOf(winnerRun.record, chosen.best.nodeId).map((n) => ({
              depth: n.depth,
              kind: n.kind,
              text: n.text,
              ppm: n.ppm ?? null,
              exec: n.exec ?? null,
            })),
          },
    classes: (chosen?.classes ?? []).map((c) => ({
      answer: c.answer,
      votes: c.votes,
      weight: c.weight,
      runs: c.members.map((m) => m.run),
    })),
    runs: outcome.runs.map((r) => ({
      run: r.run,
      seed: r.seed,
      answer: r.answer?.answer ?? null,
      ppm: r.answer?.score ?? null,
    })),
    cost: outcome.cost,
    wallSeconds: ctx.wallSeconds,
  };
}

const fixed = (x: number | null, digits = 3): string => (x === null ? '-' : x.toFixed(digits));

/** `solve`'s human-readable output for one problem: the answer, why, and how it was reached. */
export function formatSolveRecord(r: SolveRecord): string {
  const lines = [`problem ${r.problemId}: ${oneLine(r.question)}`];
  if (r.answer === null) {
    lines.push(`  answer   none (no run reached an answer)`);
  } else {
    const tally =
      r.mode === 'best-of-n'
        ? `PPM ${fixed(r.score)}`
        : r.settings.vote === 'weighted' && (r.mode === 'system2' || r.mode === 'beam')
          ? `PPM-weighted votes ${fixed(r.score)}`
          : `votes ${r.score ?? 0}`;
    lines.push(`  answer   ${r.answer}`);
    lines.push(`  score    ${tally}; support ${r.support}/${r.considered}`);
  }
  if (r.reference !== null) {
    lines.push(`  correct  ${String(r.correct)} (reference ${r.reference})`);
  }
  lines.push(
    `  mode     ${r.mode}: ${r.runs.length} run(s), seeds ${r.settings.seed}..${r.settings.seed + r.runs.length - 1}` +
      (r.mode === 'system2'
        ? `, ${r.settings.candidates} candidates x ${r.settings.rollouts} rollouts, top ${r.settings.topK} ${r.settings.vote} vote`
        : ''),
  );
  lines.push(
    `  models   policy ${r.models.policy}, PPM ${r.models.ppm ?? '-'} (${r.models.source})`,
  );
  lines.push(
    `  cost     ${r.cost.policyCalls} policy calls, ${r.cost.ppmCalls} PPM calls, ` +
      `${r.cost.executions} executions, ${r.cost.promptTokens}+${r.cost.completionTokens} tokens, ${r.wallSeconds.toFixed(1)} s`,
  );
  if (r.classes.length > 1) {
    lines.push(
      `  answers  ${r.classes.map((c) => `${c.answer} (${c.votes} votes, PPM ${fixed(c.weight)})`).join('; ')}`,
    );
  }
  if (r.winner !== null) {
    lines.push(
      `  trajectory (run ${r.winner.run}, seed ${r.winner.seed}, node ${r.winner.nodeId}):`,
    );
    r.winner.steps.forEach((s, i) => {
      const notes = [`PPM ${fixed(s.ppm)}`, ...(s.exec === null ? [] : [`exec ${s.exec}`])];
      lines.push(`    step ${i + 1} [${s.kind}; ${notes.join(', ')}]`);
      for (const l of s.text.trim().split('\n')) lines.push(`      ${l}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
