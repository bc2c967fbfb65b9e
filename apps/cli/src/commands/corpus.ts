import { Command } from 'commander';
import type { CliIO } from '../cli-io';
import { inspectCommand } from './corpus-inspect';
import { synthCommand } from './corpus-synth';

/**
 * `rstar-fleet corpus ...`: corpus files. Each subcommand is its own factory in a
 * `corpus-<name>.ts` file beside this one and is added below.
 */
export function corpusCommand(io: CliIO): Command {
  const group = new Command('corpus')
    .description('read, check and generate problem corpora (JSONL or Parquet)')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)');
  group.addCommand(inspectCommand(io));
  group.addCommand(synthCommand(io));
  // Subcommands owned elsewhere (e.g. `synth`, the synthetic generator) are added here too.
  return group;
}
