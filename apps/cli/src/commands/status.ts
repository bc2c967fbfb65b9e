import { Command } from 'commander';
// The renderer alone: the package's index loads the report code (and the search engine with it).
import { renderRoundTableMarkdown } from '@rstar-fleet/evaluation/render-round-table';
import type { RunStatus } from '@rstar-fleet/orchestration';
import { STATUS_REDIS_DEADLINE_MS } from '@rstar-fleet/orchestration/command-defaults';
import type { CliIO } from '../cli-io';

const HELP_AFTER = `
Reads run.json from the store and the run's shard jobs from Redis. Rates and the ETA are over
the current phase. The JSON is the same as GET /status of a running \`rstar-fleet run\`.
Counts are of what is written (results logs), never assumed. Each rollout worker reports its
dependencies (sandbox, policy, PPM, Redis) every few seconds: a dependency a worker cannot reach
is listed as DOWN with its address, since when, and the error code. When Redis cannot be reached
within ${STATUS_REDIS_DEADLINE_MS / 1000} s, it prints what the store knows (run.json, the
round's manifest and stats) and says Redis is unreachable (address and error), still exit 0: the
JSON's redis.reachable is false, its shard counts are unknown (0) and no worker is listed.
A run \`rstar-fleet run\` has not begun (no run.json) whose models were evaluated all the same
(\`rstar-fleet eval --round 0\`) is "not started", with its evaluations.

Examples:
  $ rstar-fleet status --plan examples/local-sim.yaml --run local-sim-1a2b3c4d
  $ rstar-fleet status --plan examples/local-sim.yaml --run local-sim-1a2b3c4d --json
`;

/** `rstar-fleet status`: where a run is. */
export function statusCommand(io: CliIO): Command {
  return new Command('status')
    .description('show a run: round, shards by state, problems done/solved, rates, ETA, failures')
    .requiredOption('--plan <FILE>', 'the run plan (YAML)')
    .option('--run <ID>', 'run id (default: the plan name and a hash of the plan text)')
    .option('--json', 'print one JSON object', false)
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: { plan: string; run?: string; json?: boolean }) => {
      const { getRunStatus, getStoreRunStatus } = await import('@rstar-fleet/orchestration');
      const { withFleetOrStore } = await import('@rstar-fleet/orchestrator/fleet/context');
      const status = await withFleetOrStore(
        flags.plan,
        flags.run,
        STATUS_REDIS_DEADLINE_MS,
        (ctx, run) => getRunStatus(ctx, run),
        (store, run, redis) => getStoreRunStatus(store, run, redis),
      );
      io.stdout.write(flags.json === true ? `${JSON.stringify(status)}\n` : formatStatus(status));
    });
}

export function formatStatus(s: RunStatus): string {
  const redis = s.redis.reachable
    ? []
    : [
        `  REDIS    unreachable at ${s.redis.address}: ${s.redis.error ?? 'unknown'} ` +
          '(shard states unknown; the rest is what the store knows)',
      ];
  // Workers report through Redis: without it their health is unknown, not "none reporting".
  const workers = s.redis.reachable
    ? formatWorkerHealth(s.workers)
    : ['  workers  unknown (their health records are in Redis)'];
  if (s.status === 'not-started') {
    // No round, shard or ingest to show: only the evaluations the run is known by.
    const head = `run ${s.run}: not started (no run.json: \`rstar-fleet run\` has not begun it)`;
    return `${[head, ...redis, ...formatEvaluations(s.evaluations), ...workers].join('\n')}\n`;
  }
  const lines = [
    `run ${s.run}: ${s.status}${s.error === null ? '' : ` (${s.error})`}`,
    `  round ${s.round ?? '-'}/${s.rounds} ${s.roundStatus ?? ''}, phase ${s.phase ?? '-'}`,
    ...redis,
    `  shards   ${s.shards.total} total: ${(
      ['completed', 'active', 'waiting', 'delayed', 'failed', 'missing'] as const
    )
      .map((k) => `${s.shards[k]} ${k}`)
      .join(', ')}`,
    `  problems ${s.problems.done}/${s.problems.total} done, ${s.problems.solved} solved`,
    `  rate     ${s.rates.problemsPerSecond.toFixed(2)} problems/s, ETA ${s.etaSeconds === null ? 'unknown' : `${s.etaSeconds} s`}`,
    `  rejects  ${s.rejects.total}${
      Object.keys(s.rejects.byReason).length === 0
        ? ''
        : ` (${Object.entries(s.rejects.byReason)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
    }, duplicates ${s.duplicates}`,
  ];
  for (const f of s.failures) {
    lines.push(
      `  FAILED   round ${f.round} shard ${f.shard} (phase ${f.phase}, ${f.attempts} attempts): ${f.reason}`,
    );
  }
  for (const h of s.history) {
    lines.push(
      `  round ${h.round}: ${h.status}${h.problems === null ? '' : `, solved ${h.solved}/${h.problems}, ${h.sftRows} SFT rows, ${h.pairs} pairs`}${h.failedShards > 0 ? `, ${h.failedShards} failed shard(s)` : ''}`,
    );
  }
  lines.push(...formatEvaluations(s.evaluations));
  lines.push(...formatRoundTable(s));
  lines.push(...workers);
  return `${lines.join('\n')}\n`;
}

/** One line per evaluation of the run (progress, ETA), and its accuracies once reported. */
export function formatEvaluations(evaluations: RunStatus['evaluations']): string[] {
  return evaluations.flatMap((e) => {
    const pct = e.units.total === 0 ? 0 : (100 * e.units.done) / e.units.total;
    const head =
      `  eval     round ${e.round} "${e.evaluation}": ${e.status}, ${e.units.done}/${e.units.total} runs ` +
      `(${pct.toFixed(1)} %), ETA ${e.etaSeconds === null ? 'unknown' : `${e.etaSeconds} s`}` +
      `${e.shards.failed > 0 ? `, ${e.shards.failed} failed shard(s)` : ''}` +
      `${e.error === null ? '' : ` (${e.error})`}`;
    const accuracy = (e.accuracy ?? []).map(
      (a) =>
        `           ${a.benchmark} ${a.mode}: ${a.accuracy === null ? 'no record' : `${(100 * a.accuracy).toFixed(1)} %`}`,
    );
    return [head, ...accuracy];
  });
}

/**
 * The plan's `evaluate:` round by round: a note per round not evaluated (or still evaluating),
 * then the table (rows: rounds 0..N; columns: benchmark × mode) as the run's eval-table.md has it.
 */
export function formatRoundTable(s: Pick<RunStatus, 'roundEvaluations' | 'roundTable'>): string[] {
  const notes = s.roundEvaluations
    .filter((e) => e.status !== 'reported')
    .map((e) => `  evaluate round ${e.round}: ${e.status}${e.note === null ? '' : ` (${e.note})`}`);
  if (s.roundTable === null) return notes;
  const table = renderRoundTableMarkdown(s.roundTable).trimEnd().split('\n');
  return [...notes, '  evaluation by round:', ...table.map((l) => `    ${l}`)];
}

/** One line for the workers, one per dependency a worker cannot reach (what, where, since, why). */
export function formatWorkerHealth(workers: RunStatus['workers'], now = Date.now()): string[] {
  if (workers.length === 0) return ['  workers  none reporting'];
  const lines = [
    `  workers  ${workers.length} reporting: ${workers
      .map((w) => `${w.worker} ${w.ready ? 'ready' : 'NOT READY'}`)
      .join(', ')}`,
  ];
  for (const w of workers) {
    for (const d of w.dependencies.filter((x) => !x.up)) {
      const seconds = Math.max(0, Math.round((now - Date.parse(d.since)) / 1000));
      lines.push(
        `  DOWN     ${w.worker}: ${d.dependency} ${d.endpoint} since ${d.since} (${seconds} s): ${d.code ?? 'error'}: ${d.error ?? 'unknown'}`,
      );
    }
  }
  return lines;
}
