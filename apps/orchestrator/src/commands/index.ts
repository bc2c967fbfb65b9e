import type { Command } from 'commander';
import { modelSimCommand } from '@rstar-fleet/model-sim';
import { sandboxCommand } from '@rstar-fleet/sandbox';
import type { CliIO } from '../cli-io';
import { corpusCommand } from './corpus';
import { demoCommand } from './demo';
import { gradeCommand } from './grade';
import { planCommand } from './plan';

/** Every subcommand of `rstar-fleet`; each feature adds its factory here. */
export const commandFactories: ReadonlyArray<(io: CliIO) => Command> = [
  demoCommand,
  corpusCommand,
  gradeCommand,
  planCommand,
  sandboxCommand,
  modelSimCommand,
];
