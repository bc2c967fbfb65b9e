import type { Command } from 'commander';
// The services' command modules, not their packages' index: defining a command loads only what
// its flags need; each action loads its implementation when it runs.
import { modelSimCommand } from '@rstar-fleet/model-sim/command';
import { workerCommand } from '@rstar-fleet/rollout-worker/command';
import { sandboxCommand } from '@rstar-fleet/sandbox/command';
import type { CliIO } from '../cli-io';
import { corpusCommand } from './corpus';
import { demoCommand } from './demo';
import { evalCommand } from './eval';
import { gradeCommand } from './grade';
import { extractCommand } from './extract';
import { planCommand } from './plan';
import { requeueCommand } from './requeue';
import { runCommand } from './run';
import { solveCommand } from './solve';
import { statusCommand } from './status';

/** Every subcommand of `rstar-fleet`; each feature adds its factory here. */
export const commandFactories: ReadonlyArray<(io: CliIO) => Command> = [
  demoCommand,
  corpusCommand,
  gradeCommand,
  planCommand,
  runCommand,
  statusCommand,
  requeueCommand,
  extractCommand,
  solveCommand,
  evalCommand,
  sandboxCommand,
  modelSimCommand,
  workerCommand,
];
