import { Command, InvalidArgumentError } from 'commander';
import type { CliIO } from '../cli-io';

function round(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a round ≥ 1');
  return n;
}

/** `rstar-fleet extract`: (re)build a round's datasets and stats from its search records. */
export function extractCommand(io: CliIO): Command {
  return new Command('extract')
    .description("re-extract a round's sft.jsonl, ppm_pairs.jsonl, unsolved.jsonl and stats.json")
    .requiredOption('--plan <FILE>', 'the run plan (YAML)')
    .option('--run <ID>', 'run id (default: the plan name and a hash of the plan text)')
    .requiredOption('--round <R>', 'round to extract', round)
    .addHelpText(
      'after',
      '\nReads every search record of every phase of the round (e.g. after `requeue` finished a\n' +
        'shard that had failed); does not run hooks.\n\nExample:\n' +
        '  $ rstar-fleet extract --plan plan.yaml --run RUN --round 2\n',
    )
    .action(async (flags: { plan: string; run?: string; round: number }) => {
      const { extractRound } = await import('@rstar-fleet/orchestration');
      const { withFleet } = await import('@rstar-fleet/orchestrator/fleet/context');
      const stats = await withFleet(flags.plan, flags.run, (ctx, run) =>
        extractRound(ctx, run, flags.round),
      );
      io.stdout.write(
        `round ${stats.round}: ${stats.solved}/${stats.problems} solved (${stats.solvedPercent}%), ` +
          `${stats.sftRows} SFT rows, ${stats.pairs} pairs, ${stats.unsolved} unsolved, ` +
          `${stats.failedShards.length} failed shard(s)\n`,
      );
    });
}
