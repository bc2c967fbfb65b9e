export { buildProgram, main } from './main';
export type { CliIO } from './cli-io';
