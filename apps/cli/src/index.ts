export { buildProgram, main } from './main';
export type { CliIO } from './cli-io';
// The local fleet's building blocks, shared by `rstar-fleet demo` and the cross-process tests.
export {
  LOCAL_SIM_PLAN,
  renderLocalPlan,
  type LocalPlanSettings,
  type RoundBudget,
} from './demo/local-plan';
export {
  jsonLine,
  killAllChildServices,
  startChildService,
  type ChildExit,
  type ChildService,
  type ChildServiceOptions,
} from './demo/child-service';
export {
  freePort,
  findRedisServer,
  startPrivateRedis,
  startSandbox,
  startSimulator,
  startWorker,
  type LaunchContext,
  type RedisService,
  type SandboxLaunch,
  type SandboxService,
  type SimulatorService,
  type WorkerLaunch,
  type WorkerService,
} from './demo/fleet-services';
