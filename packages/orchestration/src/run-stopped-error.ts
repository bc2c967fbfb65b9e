import { RstarError } from '@rstar-fleet/protocol';
import type { ShutdownResult } from '@rstar-fleet/telemetry';

/**
 * The run was stopped from outside (SIGINT/SIGTERM) and its orchestrator shut down: nothing
 * failed, and running the plan again resumes it. CANCELLED: the CLI exits 130, as an interrupted
 * command does, whatever the shutdown itself met (it is in `shutdown`).
 */
export class RunStoppedError extends RstarError {
  constructor(
    readonly run: string,
    /** What stopped it: the signal's name. */
    readonly reason: string,
    readonly shutdown: ShutdownResult,
  ) {
    super('CANCELLED', `run ${run} stopped by ${reason}; run again to resume`);
  }
}
