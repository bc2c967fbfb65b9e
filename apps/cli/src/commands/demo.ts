import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { killAllChildren } from '@rstar-fleet/local-fleet';
import type { CliIO } from '../cli-io';
import {
  DEFAULT_DEMO_EVAL_PROBLEMS,
  DEFAULT_DEMO_PROBLEMS,
  parseDemoOptions,
} from '../demo/demo-options';
import { formatDemoEvalTable } from '../demo/eval-table';
import { demoProgress } from '../demo/demo-progress';
import { ensureHostPackages } from '../demo/host-preflight';
import { formatDemoTable } from '../demo/demo-table';
import { CLI_SCRIPT } from '../cli-script';

const int = (value: string): number => Number(value);

const HELP_AFTER = `
What runs, all on this machine (child processes of this command, stopped when it ends):
  redis-server     private, on a free port (or the Redis at $REDIS_URL, with a private prefix)
  sandbox          the gRPC Python sandbox (rstar-fleet sandbox)
  model-sim        the SIMULATED policy + PPM server (not a model; rstar-fleet model-sim)
  worker x N       rollout workers (rstar-fleet worker)
  orchestrator     in this process: examples/local-sim.yaml with those addresses, rounds of
                   search -> datasets -> train hook (model-sim train) -> deploy hook
                   (model-sim load) -> evaluation of the deployed models on held-out
                   problems (greedy and System 2) -> next round
Outputs: <out>/runs/<run id>/ in the store layout (plan.yaml, run.json, round-<r>/{shards,
results,sft.jsonl,ppm_pairs.jsonl,unsolved.jsonl,stats.json,hooks}), plus demo/ with the
corpus, the plan and every service's log. Ctrl-C stops the fleet (bounded) and keeps outputs.
A service that dies (kill -9 one to see) is restarted with backoff on the same port and reported
with what died, why and when it came back (demo/logs/fleet.log too); the run goes on.
`;

export function demoCommand(io: CliIO): Command {
  return new Command('demo')
    .description(
      "Run the main job on built-in defaults: rStar-Math's four rounds of self-evolution " +
        '(search -> extract SFT rows and PPM pairs -> train -> deploy -> next round) through the ' +
        'whole fleet (Redis, sandbox, rollout workers, orchestrator) on the SIMULATED policy and ' +
        'PPM (apps/model-sim, not a model) over synthetic problems, and print a per-round table ' +
        "with the simulator's audit of every dataset.",
    )
    .addOption(
      new Option('--problems <n>', 'synthetic problems (each round searches all)')
        .argParser(int)
        .default(DEFAULT_DEMO_PROBLEMS),
    )
    .addOption(new Option('--rounds <n>', 'rounds to run (1-4)').argParser(int).default(4))
    .addOption(new Option('--workers <n>', 'rollout worker processes').argParser(int).default(2))
    .addOption(
      new Option(
        '--eval-problems <n>',
        "held-out problems each round's models are evaluated on (0 = none)",
      )
        .argParser(int)
        .default(DEFAULT_DEMO_EVAL_PROBLEMS),
    )
    .addOption(new Option('--seed <n>', 'problem family and search seed').argParser(int).default(1))
    .addOption(
      new Option(
        '--out <dir>',
        'artifact store directory (the run lands in <dir>/runs/<id>/)',
      ).default('.'),
    )
    .addHelpText('after', HELP_AFTER)
    .action(async (raw: Record<string, unknown>) => {
      const options = parseDemoOptions(raw);
      const { runFleetDemo } = await import('../demo/run-self-evolution.js');
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
      const runId = `demo-${stamp}-${randomBytes(2).toString('hex')}`;
      // The process edge: the only place the demo reads the environment.
      // eslint-disable-next-line no-restricted-properties -- REDIS_URL, PATH and HOME at the edge
      const { REDIS_URL: redisUrl, PATH, HOME } = process.env;
      // Before any service starts: the sandbox's Debian packages, and redis-server without a
      // REDIS_URL, installed when this is root, else a stop with the exact apt-get command.
      await ensureHostPackages({
        needs: redisUrl === undefined || redisUrl === '' ? ['sandbox', 'redis'] : ['sandbox'],
        isRoot: process.getuid?.() === 0,
        note: (line) => io.stderr.write(`rstar-fleet demo: ${line}\n`),
      });
      const progress = demoProgress(io.stderr);
      io.stderr.write(
        `rstar-fleet demo: ${options.rounds} round(s) over ${options.problems} synthetic problems ` +
          `with ${options.workers} worker(s), run ${runId} (SIMULATED policy and PPM, not a model)\n`,
      );
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        if (abort.signal.aborted) {
          // A second Ctrl-C: no more waiting.
          killAllChildren();
          process.exit(130);
        }
        io.stderr.write(`\nrstar-fleet demo: ${signal}, stopping (Ctrl-C again to force)\n`);
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // The services are in their own process groups: should this process die anyway, they go.
      process.on('exit', killAllChildren);
      try {
        const result = await runFleetDemo(options, runId, {
          cliScript: CLI_SCRIPT,
          env: {
            PATH: [dirname(process.execPath), PATH].filter((p) => p !== undefined).join(':'),
            ...(HOME === undefined ? {} : { HOME }),
          },
          ...(redisUrl === undefined || redisUrl === '' ? {} : { redisUrl }),
          signal: abort.signal,
          progress,
        });
        io.stdout.write(`${formatDemoTable(result.rounds)}\n`);
        if (result.evalTable !== null)
          io.stdout.write(`${formatDemoEvalTable(result.evalTable)}\n`);
        io.stdout.write(`wall time: ${result.wallSeconds.toFixed(0)} s\n`);
        io.stdout.write(`outputs: ${result.runDir}/\n`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.off('exit', killAllChildren);
      }
    });
}
