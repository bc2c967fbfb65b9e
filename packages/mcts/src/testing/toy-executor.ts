import type { ExecutorPort } from '../ports';
import { delay } from './delay';
import { runToyProgram } from './toy-interpreter';

/** An executor double running toy programs with the toy interpreter (NOT Python). */
export function createToyExecutor(latencyMs: number): ExecutorPort {
  return {
    async execute(programs, signal) {
      await delay(latencyMs, signal);
      return programs.map(runToyProgram);
    },
  };
}
