import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { CliIO } from '../cli-io';
import { parseDemoOptions } from '../demo/demo-options';
import { formatDemoTable } from '../demo/demo-table';
import { runSelfEvolutionDemo, type DemoProgress } from '../demo/run-self-evolution';

const int = (value: string): number => Number(value);

export function demoCommand(io: CliIO): Command {
  return new Command('demo')
    .description(
      "Run the main job on built-in defaults: rStar-Math's four rounds of self-evolution " +
        '(search -> extract SFT rows and PPM pairs -> train -> next round) in process, on the ' +
        'SIMULATED policy and PPM (apps/model-sim, not a model) over synthetic problems. Writes ' +
        'search records, datasets and trained checkpoints to <out>/<run id>/round-<r>/ and ' +
        "prints a per-round table with the simulator's audit of every dataset.",
    )
    .addOption(
      new Option('--problems <n>', 'synthetic problems per round').argParser(int).default(300),
    )
    .addOption(new Option('--rounds <n>', 'rounds to run (1-4)').argParser(int).default(4))
    .addOption(new Option('--seed <n>', 'problem family and search seed').argParser(int).default(1))
    .addOption(new Option('--out <dir>', 'output directory').default('runs'))
    .addHelpText(
      'after',
      '\nThe fleet (orchestrator, workers, sandbox, Redis) will run the same loop as separate\n' +
        'services; until then this runs it in one process.',
    )
    .action(async (raw: Record<string, unknown>) => {
      const options = parseDemoOptions(raw);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
      const runId = `demo-${stamp}-${randomBytes(2).toString('hex')}`;
      io.stderr.write(
        `rstar-fleet demo: ${options.rounds} round(s) over ${options.problems} synthetic problems, ` +
          `run ${runId} (SIMULATED policy and PPM, not a model)\n`,
      );
      const rounds = await runSelfEvolutionDemo(options, runId, progressBar(io));
      io.stdout.write(`${formatDemoTable(rounds)}\n`);
      io.stdout.write(`outputs: ${join(options.out, runId)}/\n`);
    });
}

/** A progress bar per round on a terminal; one line per finished round otherwise (CI logs). */
function progressBar(io: CliIO): DemoProgress {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let bar: SingleBar | null = null;
  let round = 0;
  let done = 0;
  let total = 0;
  return {
    start(r, n) {
      round = r;
      done = 0;
      total = n;
      if (!tty) return;
      bar = new SingleBar(
        {
          stream: io.stderr,
          format: `round ${r} [{bar}] {value}/{total} trees | {duration}s`,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(n, 0);
    },
    advance() {
      done += 1;
      bar?.update(done);
    },
    stop() {
      if (round === 0) return;
      if (bar !== null) bar.stop();
      else io.stderr.write(`  round ${round}: searched ${done}/${total} trees\n`);
      bar = null;
      round = 0;
    },
  };
}
