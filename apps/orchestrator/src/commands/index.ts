import type { Command } from 'commander';
import { sandboxCommand } from '@rstar-fleet/sandbox';
import type { CliIO } from '../cli-io';
import { demoCommand } from './demo';
import { gradeCommand } from './grade';

/** Every subcommand of `rstar-fleet`; each feature adds its factory here. */
export const commandFactories: ReadonlyArray<(io: CliIO) => Command> = [
  demoCommand,
  gradeCommand,
  sandboxCommand,
];
