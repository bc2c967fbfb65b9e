import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { ControlDatasets } from './audit';
import type { Checkpoint } from './checkpoint';
import { loadCommand } from './load-command';

/** Where a command writes (structurally the orchestrator's CliIO). */
export interface SimIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const serveFlags = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  checkpoint: z.string().min(1).optional(),
  ttftMs: z.coerce.number().min(0).max(600_000).optional(),
  perTokenMs: z.coerce.number().min(0).max(10_000).optional(),
  maxNumSeqs: z.coerce.number().int().min(1).max(1_000_000).optional(),
  kvCacheTokens: z.coerce.number().int().min(1).optional(),
  gpu: z.string().min(1).optional(),
  prefixCaching: z.enum(['on', 'off']).optional(),
  timeScale: z.coerce.number().positive().max(1000).optional(),
});

function flagsOf<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidInputError(issue?.message ?? 'invalid flags', {
    field: `--${String(issue?.path[0] ?? 'flags')}`,
  });
}

// Each action loads what it runs with (the server, training, datasets, the step protocol) when it
// runs: every `rstar-fleet` start defines these commands, and the train and deploy hooks are
// `rstar-fleet model-sim …` processes.
async function readCheckpoint(path: string | undefined): Promise<Checkpoint> {
  const { DEFAULT_CHECKPOINT, loadCheckpoint } = await import('./checkpoint.js');
  return path === undefined ? DEFAULT_CHECKPOINT : loadCheckpoint(path);
}

/**
 * `rstar-fleet model-sim`: serves the SIMULATED policy + PPM (vLLM dialect) until SIGINT or
 * SIGTERM; `model-sim train` and `model-sim audit` work on round datasets, `model-sim load`
 * deploys a checkpoint to a running simulator.
 */
export function modelSimCommand(io: SimIO): Command {
  const command = new Command('model-sim')
    .description('run the SIMULATED model server (vLLM API; not a model) or train/audit with it')
    .option('-p, --port <P>', 'port to listen on (0 = any free port)', '8000')
    .option('--host <H>', 'address to bind', '127.0.0.1')
    .option('-c, --checkpoint <file>', 'simulated checkpoint JSON (default: built-in r0)')
    .option('--ttft-ms <ms>', 'simulated time to first token (overrides the checkpoint)')
    .option('--per-token-ms <ms>', 'simulated time per generated token (overrides the checkpoint)')
    .option(
      '--max-num-seqs <n>',
      'sequences decoded at once; more queue (overrides the checkpoint)',
    )
    .option('--kv-cache-tokens <n>', 'KV-cache capacity in tokens (overrides the checkpoint)')
    .option(
      '--gpu <preset>',
      'token-level GPU cost model: h200-7b, h100-7b or a100-7b (simulated; README "GPU cost model")',
    )
    .option('--prefix-caching <on|off>', 'automatic prefix caching of the GPU model (default on)')
    .option('--time-scale <x>', 'wall ms per simulated ms of the GPU model (default 1)')
    // The serve flags end at a subcommand's name: `train --checkpoint X` and `load --checkpoint
    // X` must reach the subcommand, not the server's own --checkpoint.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .action(async (raw: Record<string, unknown>) => {
      const flags = flagsOf(serveFlags, raw);
      const { compileStepProtocol } = await import('@rstar-fleet/mcts');
      const { realSleep } = await import('./latency.js');
      const { createSimServer } = await import('./server.js');
      const { SimState } = await import('./state.js');
      const { waitForStopSignal } = await import('@rstar-fleet/telemetry');
      const { hardwareOverride } = await import('./gpu/hardware.js');
      const checkpoint = await readCheckpoint(flags.checkpoint);
      const latency = hardwareOverride(flags, checkpoint);
      const state = new SimState(checkpoint, compileStepProtocol(), realSleep, latency);
      const sim = createSimServer(state);
      const port = await sim.listen(flags.port, flags.host);
      const gpu = state.checkpoint.latency.gpu;
      io.stderr.write(
        `rstar-fleet model-sim: SIMULATOR (not a model) serving ${state.policyId} and ${state.ppmId} on http://${flags.host}:${port}${
          gpu === undefined
            ? ''
            : ` (simulated GPU ${gpu.name}, prefix caching ${gpu.prefixCaching ? 'on' : 'off'}, time scale ${gpu.timeScale})`
        }\n`,
      );
      // A repeated signal while the requests in flight finish does not kill it mid-close.
      await waitForStopSignal();
      await sim.close();
      io.stderr.write('rstar-fleet model-sim: stopped\n');
    });
  command.addCommand(trainCommand(io));
  command.addCommand(auditCommand(io));
  command.addCommand(loadCommand(io));
  return command;
}

const trainFlags = z.object({
  checkpoint: z.string().min(1).optional(),
  sft: z.string().min(1),
  pairs: z.string().min(1),
  out: z.string().min(1),
  name: z.string().min(1).optional(),
  problems: z.coerce.number().int().min(1).optional(),
  stats: z.string().min(1).optional(),
  trees: z.string().min(1).optional(),
});

function trainCommand(io: SimIO): Command {
  return new Command('train')
    .description('simulated training: move a checkpoint toward what SFT data and pairs support')
    .option('-c, --checkpoint <in.json>', 'checkpoint to start from (default: built-in r0)')
    .requiredOption('--sft <sft.jsonl>', 'SFT rows {prompt, completion}')
    .requiredOption('--pairs <ppm_pairs.jsonl>', 'preference pairs {prompt, chosen, rejected}')
    .requiredOption('-o, --out <out.json>', 'where to write the new checkpoint')
    .option('--name <name>', 'name of the new checkpoint (default: r<N+1>)')
    .option(
      '--problems <N>',
      'problems searched in the round (default: --stats, else distinct problems in the data)',
    )
    .option(
      '--stats <stats.json>',
      "the round's stats.json (the orchestrator writes it before the train hook): its `problems`",
    )
    .option(TREES_FLAG, TREES_HELP)
    .action(async (raw: Record<string, unknown>) => {
      const flags = flagsOf(trainFlags, raw);
      const { compileStepProtocol } = await import('@rstar-fleet/mcts');
      const { readPairsFile, readSftFile } = await import('./datasets.js');
      const { trainCheckpoint } = await import('./train.js');
      const protocol = compileStepProtocol();
      const before = await readCheckpoint(flags.checkpoint);
      const [sft, pairs] = await Promise.all([readSftFile(flags.sft), readPairsFile(flags.pairs)]);
      const result = trainCheckpoint(before, sft, pairs, protocol, {
        name: flags.name,
        problems: flags.problems ?? (await problemsOfStats(flags.stats)),
        control: await controlOf(flags.trees),
      });
      await writeFile(flags.out, `${JSON.stringify(result.checkpoint, null, 2)}\n`);
      io.stdout.write(
        `${JSON.stringify({
          from: before.name,
          to: result.checkpoint.name,
          competence: result.checkpoint.policy.competence,
          ppmNoise: result.checkpoint.ppm.noise,
          audit: result.audit,
        })}\n`,
      );
    });
}

/**
 * `problems` of a round's stats.json: training scales coverage per problem searched, so a plan's
 * train hook passes `--stats {out}/stats.json` (no hook variable holds the count itself).
 */
async function problemsOfStats(path: string | undefined): Promise<number | undefined> {
  if (path === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InvalidInputError('cannot read it as JSON', { source: path }, { cause: err });
  }
  const problems = (value as { problems?: unknown } | null)?.problems;
  if (typeof problems !== 'number' || !Number.isInteger(problems) || problems < 1) {
    throw new InvalidInputError('expected a positive integer', { source: path, field: 'problems' });
  }
  return problems;
}

const TREES_FLAG = '--trees <dir>';
const TREES_HELP =
  "the round's search records (round-<r>/results): audit a control extraction (random choice among the same candidates) beside the data";

/** The control datasets of `--trees`, seeded 0 (one fixed control per round). */
async function controlOf(dir: string | undefined): Promise<ControlDatasets | undefined> {
  if (dir === undefined) return undefined;
  const { readSearchRecords } = await import('./datasets.js');
  const { controlDatasets } = await import('./control.js');
  return controlDatasets(await readSearchRecords(dir), 0);
}

const auditFlags = z.object({
  sft: z.string().min(1),
  pairs: z.string().min(1),
  trees: z.string().min(1).optional(),
});

function auditCommand(io: SimIO): Command {
  return new Command('audit')
    .description(
      'truth for measurement: truly sound SFT steps, sound chosen and unsound rejected pair sides',
    )
    .requiredOption('--sft <sft.jsonl>', 'SFT rows {prompt, completion}')
    .requiredOption('--pairs <ppm_pairs.jsonl>', 'preference pairs {prompt, chosen, rejected}')
    .option(TREES_FLAG, TREES_HELP)
    .action(async (raw: Record<string, unknown>) => {
      const flags = flagsOf(auditFlags, raw);
      const { compileStepProtocol } = await import('@rstar-fleet/mcts');
      const { readPairsFile, readSftFile } = await import('./datasets.js');
      const { auditDatasets } = await import('./audit.js');
      const [sft, pairs] = await Promise.all([readSftFile(flags.sft), readPairsFile(flags.pairs)]);
      const control = (await controlOf(flags.trees)) ?? null;
      io.stdout.write(
        `${JSON.stringify(auditDatasets(sft, pairs, compileStepProtocol(), control))}\n`,
      );
    });
}
