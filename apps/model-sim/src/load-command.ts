import { Command, Option } from 'commander';
import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';

/** Where `model-sim load` writes (structurally SimIO / the orchestrator's CliIO). */
interface LoadIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The simulator address when neither `--url` nor RSTAR_SIM_URL names one. */
export const DEFAULT_SIM_URL = 'http://127.0.0.1:8000';

const loadFlags = z.object({
  checkpoint: z.string().min(1),
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  timeoutMs: z.coerce.number().int().min(1).max(3_600_000),
});

/**
 * `rstar-fleet model-sim load`: the local plan's deploy hook. Validates a checkpoint file here
 * (errors name the file and field), makes the running simulator serve it, and prints the hook
 * result line `{"policy":{"model":…},"ppm":{"model":…}}` as the last stdout line.
 */
export function loadCommand(io: LoadIO): Command {
  return new Command('load')
    .description(
      'deploy a simulated checkpoint to a running simulator (POST /admin/load) and print the ' +
        'hook result line naming the models it now serves',
    )
    .requiredOption('-c, --checkpoint <file>', 'checkpoint JSON written by `model-sim train`')
    .addOption(
      new Option('--url <URL>', 'the simulator to load it into')
        .env('RSTAR_SIM_URL')
        .default(DEFAULT_SIM_URL),
    )
    .option('--timeout-ms <ms>', 'deadline, retries of an unreachable server included', '30000')
    .addHelpText(
      'after',
      '\nPrints e.g. {"policy":{"model":"sim-policy-r2"},"ppm":{"model":"sim-ppm-r2"}}, the line\n' +
        'a deploy hook reports to the orchestrator. An unreachable simulator is retried until\n' +
        'the deadline; a rejected checkpoint fails at once.',
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = loadFlags.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const flag = String(issue?.path[0] ?? 'flags').replace(/[A-Z]/g, (c) => `-${c}`);
        throw new InvalidInputError(issue?.message ?? 'invalid flags', {
          field: `--${flag.toLowerCase()}`,
        });
      }
      const flags = parsed.data;
      // Loaded when the command runs: the deploy hook is this process, started for each round.
      const { loadCheckpoint } = await import('./checkpoint.js');
      const { loadRemoteCheckpoint } = await import('./load-client.js');
      const checkpoint = await loadCheckpoint(flags.checkpoint);
      const models = await loadRemoteCheckpoint(flags.url, checkpoint, {
        timeoutMs: flags.timeoutMs,
      });
      io.stderr.write(`rstar-fleet model-sim load: ${flags.url} now serves ${checkpoint.name}\n`);
      io.stdout.write(`${JSON.stringify(models)}\n`);
    });
}
