export { buildProgram, main } from './main';
export type { CliIO } from './cli-io';
// The local fleet's building blocks, shared by `rstar-fleet demo` and the cross-process tests.
export {
  LOCAL_SIM_PLAN,
  deployedCheckpoint,
  renderLocalPlan,
  type LocalPlanSettings,
  type RoundBudget,
} from './demo/local-plan';
export {
  startSandbox,
  startSimulator,
  startWorker,
  type LaunchContext,
  type SandboxLaunch,
  type SandboxService,
  type SimulatorService,
  type WorkerLaunch,
  type WorkerService,
} from './demo/fleet-services';
