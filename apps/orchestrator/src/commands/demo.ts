import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { CliIO } from '../cli-io';
import { parseDemoOptions, type DemoOptions } from '../demo/demo-options';
import { formatDemoTable } from '../demo/demo-table';
import { runLocalSearchDemo, type DemoProgress } from '../demo/run-local-search';
import { DEMO_MODE_LABELS } from '../demo/search-modes';

const int = (value: string): number => Number(value);

export function demoCommand(io: CliIO): Command {
  return new Command('demo')
    .description(
      'Run the main job on built-in defaults. Today: the search engine (MCTS with both rStar Q ' +
        'rules, and beam search) over a SIMULATED in-process toy world (scripted policy, PPM ' +
        'and executor — a test instrument, not a model), graded by the real grader; writes ' +
        'search records, SFT rows and PPM pairs to <out>/<run id>/<mode>/ and prints a table ' +
        'with the toy ground truth audit of those datasets.',
    )
    .addOption(new Option('--problems <n>', 'toy problems to search').argParser(int).default(200))
    .addOption(new Option('--rollouts <n>', 'MCTS rollouts per problem').argParser(int).default(16))
    .addOption(
      new Option('--candidates <n>', 'candidates sampled per expansion').argParser(int).default(8),
    )
    .addOption(
      new Option('--parallel <n>', 'problems searched concurrently').argParser(int).default(16),
    )
    .addOption(
      new Option('--skill <p>', 'toy policy: probability a step is correct')
        .argParser(Number)
        .default(0.45),
    )
    .addOption(new Option('--seed <n>', 'seed for problems and sampling').argParser(int).default(0))
    .addOption(new Option('--out <dir>', 'output directory').default('runs'))
    .action(async (raw: Record<string, unknown>) => {
      const options = parseDemoOptions(raw);
      const runId = `demo-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(2).toString('hex')}`;
      io.stderr.write(
        `rstar-fleet demo: ${options.problems} toy problems, run ${runId} (SIMULATED toy world, not a model)\n`,
      );
      const summaries = await runLocalSearchDemo(options, runId, progressBar(io, options));
      io.stdout.write(`${formatDemoTable(summaries)}\n`);
      io.stdout.write(`outputs: ${join(options.out, runId)}/\n`);
    });
}

/** A progress bar on a terminal; one line per finished mode otherwise (CI logs). */
function progressBar(io: CliIO, options: DemoOptions): DemoProgress {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let bar: SingleBar | null = null;
  let label = '';
  let done = 0;
  return {
    start(mode, total) {
      label = DEMO_MODE_LABELS[mode];
      done = 0;
      if (!tty) return;
      bar = new SingleBar(
        {
          stream: io.stderr,
          format: `${mode.padEnd(14)} [{bar}] {value}/{total} problems | solved {solved} | {duration}s`,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(total, 0, { solved: 0 });
    },
    advance(solved) {
      done += 1;
      bar?.update(done, { solved });
    },
    stop() {
      if (bar !== null) bar.stop();
      else io.stderr.write(`  done: ${label} (${done}/${options.problems} problems)\n`);
      bar = null;
    },
  };
}
