export { sandboxCommand, type SandboxCliIO } from './command';
export { DEFAULTS, ISOLATION_LAYERS, parseSandboxConfig, type SandboxConfig } from './config';
export { type IsolationReport, formatIsolationReport } from './isolation';
export { type SandboxService, startSandboxService } from './service';
