import {
  PPM_MODES,
  solveProblem,
  type CompiledTestTimeOptions,
  type TestTimeCall,
  type TestTimeOutcome,
  type TestTimeProblem,
} from '@rstar-fleet/mcts';
import { InvalidInputError, RstarError } from '@rstar-fleet/protocol';
import { manifestChecks, SandboxProbeClients } from './dependency-health';
import { FleetPorts, type FleetPortsOptions, type PortsTarget } from './fleet-ports';

export interface TestTimeSolverOptions {
  /** Deadline of each dependency probe before the first search, ms. */
  probeTimeoutMs: number;
  ports?: FleetPortsOptions;
}

/**
 * Test-time search over the fleet's real ports (the clients the workers use: PolicyClient,
 * RewardClient, the sandbox's batch call, the grader's equivalence): one problem at a time with
 * the compiled test-time options. `greedy` decodes at temperature 0; modes that do not use the
 * PPM (greedy, maj) neither open nor probe it.
 */
export class TestTimeSolver {
  /** The models, endpoints and sampling the searches use (after the mode's adjustments). */
  readonly target: PortsTarget;
  private readonly ports: FleetPorts;

  constructor(
    target: PortsTarget,
    readonly options: CompiledTestTimeOptions,
    private readonly settings: TestTimeSolverOptions,
  ) {
    const usesPpm = PPM_MODES.includes(options.mode);
    if (usesPpm && target.ppm === null) {
      throw new InvalidInputError(`mode ${options.mode} scores with a PPM, and none is given`, {
        field: 'ppm',
      });
    }
    this.target = {
      ...target,
      ppm: usesPpm ? target.ppm : null,
      sampling:
        options.mode === 'greedy' ? { ...target.sampling, temperature: 0 } : target.sampling,
    };
    this.ports = new FleetPorts(settings.ports);
  }

  /**
   * Asks every dependency the mode uses (sandbox health, policy and PPM `/health`) once, in
   * parallel, each within the probe deadline, so an unreachable server fails the command in
   * seconds, naming it, instead of after the searches' retries.
   */
  async probe(): Promise<void> {
    const sandboxes = new SandboxProbeClients(this.settings.probeTimeoutMs);
    try {
      const failures = await Promise.all(
        manifestChecks(this.target, sandboxes).map(async (check) => {
          try {
            await check.probe(AbortSignal.timeout(this.settings.probeTimeoutMs));
            return null;
          } catch (err) {
            const detail = err instanceof Error ? err.message : String(err);
            return new RstarError(
              'UNAVAILABLE',
              `${check.dependency} ${check.endpoint} unreachable: ${detail}`,
              { cause: err },
            );
          }
        }),
      );
      const failed = failures.find((f) => f !== null);
      if (failed !== undefined && failed !== null) throw failed;
    } finally {
      sandboxes.close();
    }
  }

  solve(problem: TestTimeProblem, call: TestTimeCall = {}): Promise<TestTimeOutcome> {
    return solveProblem(this.ports.portsFor(this.target, problem.id), this.options, problem, call);
  }

  close(): Promise<void> {
    return this.ports.close();
  }
}
