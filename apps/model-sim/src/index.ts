/**
 * @rstar-fleet/model-sim — a SIMULATED policy + PPM server speaking the vLLM HTTP API over the
 * synthetic problem family of @rstar-fleet/corpus. A test and measuring instrument, not a model:
 * its results are never model results.
 */
export {
  checkpointSchema,
  DEFAULT_CHECKPOINT,
  COMPETENCE_KEYS,
  MISTAKES,
  parseCheckpoint,
  loadCheckpoint,
  policyModelId,
  ppmModelId,
} from './checkpoint';
export type { Checkpoint, CompetenceKey, Mistake } from './checkpoint';
export { recoverPrompt, splitSteps, stateOf } from './recover';
export type { Recovered, SolutionState } from './recover';
export { judgeSteps } from './truth';
export type { Verdict } from './truth';
export { proposeStep } from './policy';
export type { SharedStepInput } from './policy';
export { generate } from './generate';
export type { GenerateRequest, GeneratedChoice } from './generate';
export { ppmRawScore, ppmValue } from './ppm';
export { auditDatasets } from './audit';
export type {
  AuditReport,
  ControlDatasets,
  DatasetAudit,
  PairExample,
  SftExample,
  SkillCounts,
} from './audit';
export { controlDatasets } from './control';
export { FLAW_FORMS, flawedCode, flawedStepText, deviatingSteps } from './flaws';
export type { FlawForm } from './flaws';
export { trainCheckpoint } from './train';
export type { TrainOptions, TrainResult } from './train';
export { Scheduler, realSleep } from './latency';
export type { Clock, LatencyModel, SchedulerIntegrals, SchedulerSnapshot, Sleep } from './latency';
export { SimState } from './state';
export { createSimServer } from './server';
export type { SimServer } from './server';
export { createSimPorts } from './ports';
export type { SimPorts } from './ports';
export { runSimRounds, ROUND_PLAN } from './rounds';
export type {
  Breakage,
  RoundData,
  RoundOutcome,
  RoundSettings,
  RoundsObserver,
  RoundsOptions,
} from './rounds';
export { modelSimCommand } from './command';
export type { SimIO } from './command';
export { readSftFile, readPairsFile, readSearchRecords } from './datasets';
export { countTokens } from './tokens';
export { GPU_PRESETS, GPU_PRESET_NAMES } from './gpu/presets';
export type { GpuPreset } from './gpu/presets';
export { gpuCostSchema, stepMs, decodeMs } from './gpu/cost-model';
export type { GpuCost, StepWork } from './gpu/cost-model';
export { GpuEngine } from './gpu/engine';
export type { GpuCounters, GpuEngineConfig, ServedSequence } from './gpu/engine';
