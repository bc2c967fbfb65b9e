import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { RstarError } from '@rstar-fleet/protocol';
import { type CliIO, processIO } from './cli-io';
import { commandFactories } from './commands';
import { EXIT_OK, EXIT_USAGE, exitCodeForError, exitCodesHelp } from './exit-codes';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  version: string;
};

export function buildProgram(io: CliIO = processIO): Command {
  const program = new Command('rstar-fleet')
    .description(
      'rStar-Math-style self-evolution at fleet scale: MCTS over code-augmented reasoning steps, ' +
        'step-level Q-values, process preference model, four rounds of retraining.',
    )
    .version(version)
    // Options belong to the command they follow: `model-sim train --checkpoint X` reaches
    // `train`, not the `model-sim` server's own --checkpoint.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', exitCodesHelp())
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });
  for (const factory of commandFactories) program.addCommand(factory(io));
  // Every subcommand reports usage errors through main() instead of calling process.exit itself.
  // ... and writes them to this io (addCommand does not pass configureOutput down).
  const output = program.configureOutput();
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput(output);
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const message = err instanceof RstarError ? err.message : describeUnexpected(err);
    io.stderr.write(`rstar-fleet: ${message}\n`);
    return exitCodeForError(err);
  }
}

function describeUnexpected(err: unknown): string {
  if (err instanceof Error) return `internal error: ${err.stack ?? err.message}`;
  return `internal error: ${String(err)}`;
}
