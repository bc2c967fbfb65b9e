export { lastBoxed, hasBoxed } from './boxed';
export { compileStepProtocol, DEFAULT_STEP_PROTOCOL } from './config';
export type { StepProtocol, StepProtocolConfig } from './config';
export { formatOutput, outputBlock } from './output';
export { parseStep } from './parse-step';
export type { InvalidStepReason, ParsedStep } from './parse-step';
export { codeOfStep, cumulativeProgram } from './program';
export { renderPrompt } from './prompt';
