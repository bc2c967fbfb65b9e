import { Command, InvalidArgumentError } from 'commander';
import type { RequeueTarget, RequeuedShard } from '@rstar-fleet/orchestration';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { CliIO } from '../cli-io';

const HELP_AFTER = `
Exactly one of --failed, --stalled, --shard N. Without --round, --failed and --stalled look at
every started round and every evaluation (\`rstar-fleet eval\`, the plan's evaluate:), and
--shard at the current round. --round R: round R's shards and the evaluations of its models.
--eval NAME: that evaluation's eval shards only (its newest round unless --round). Shards of a
round that already completed need its datasets extracted again once they finish, and those of
an evaluation already reported or failed need its report written again: the command prints the
command that does it.

Examples:
  $ rstar-fleet requeue --plan plan.yaml --run RUN --failed
  $ rstar-fleet requeue --plan plan.yaml --run RUN --shard 17 --round 2
  $ rstar-fleet requeue --plan plan.yaml --run RUN --failed --eval plan --round 1
`;

/** Digits only: Number('') and Number(' ') are 0, which would requeue shard 0. */
function index(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer ≥ 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** `rstar-fleet requeue`: an operator gives failed, stalled or chosen shards another run. */
export function requeueCommand(io: CliIO): Command {
  return new Command('requeue')
    .description('requeue failed or stalled shard jobs, or one shard')
    .requiredOption('--plan <FILE>', 'the run plan (YAML)')
    .option('--run <ID>', 'run id (default: the plan name and a hash of the plan text)')
    .option('--failed', 'retry every failed shard job', false)
    .option(
      '--stalled',
      'move active shard jobs whose worker is gone (no lock) back to waiting',
      false,
    )
    .option('--shard <N>', 'requeue shard N (retry, or re-add when completed or gone)', index)
    .option('--round <R>', 'round of the shards (and of the evaluated models)', index)
    .option('--eval <NAME>', "an evaluation's eval shards (eval, plan, custom, …)")
    .addHelpText('after', HELP_AFTER)
    .action(
      async (flags: {
        plan: string;
        run?: string;
        failed?: boolean;
        stalled?: boolean;
        shard?: number;
        round?: number;
        eval?: string;
      }) => {
        const targets: RequeueTarget[] = [
          ...(flags.failed === true ? [{ kind: 'failed' } as const] : []),
          ...(flags.stalled === true ? [{ kind: 'stalled' } as const] : []),
          ...(flags.shard === undefined ? [] : [{ kind: 'shard', shard: flags.shard } as const]),
        ];
        const [target] = targets;
        if (target === undefined || targets.length > 1) {
          throw new InvalidInputError('expected exactly one of --failed, --stalled, --shard N', {
            field: 'requeue',
          });
        }
        const { requeue, requeueHint } = await import('@rstar-fleet/orchestration');
        const { withFleet } = await import('@rstar-fleet/orchestrator/fleet/context');
        const { outcome, run } = await withFleet(flags.plan, flags.run, async (ctx, run) => ({
          run,
          outcome: await requeue(ctx, run, target, {
            ...(flags.round === undefined ? {} : { round: flags.round }),
            ...(flags.eval === undefined ? {} : { evaluation: flags.eval }),
          }),
        }));
        for (const r of outcome.requeued) {
          io.stdout.write(`requeued ${shardName(r)} (was ${r.from})\n`);
        }
        for (const s of outcome.skipped) {
          io.stdout.write(`left ${shardName(s)} alone: ${s.why}\n`);
        }
        if (outcome.requeued.length === 0) io.stdout.write('nothing to requeue\n');
        const hint = requeueHint(outcome, run, flags.plan);
        if (hint !== null) io.stdout.write(`${hint}\n`);
      },
    );
}

/** `round 2 shard 17`, or `round 1 evaluation "plan" shard 3` for an eval shard. */
function shardName(s: RequeuedShard): string {
  return s.evaluation === undefined
    ? `round ${s.round} shard ${s.shard}`
    : `round ${s.round} evaluation "${s.evaluation}" shard ${s.shard}`;
}
