import {
  solveProblem,
  type CompiledTestTimeOptions,
  type TestTimeCall,
  type TestTimeOutcome,
  type TestTimeProblem,
} from '@rstar-fleet/mcts';
import { FleetPorts, type FleetPortsOptions, type PortsTarget } from './fleet-ports';
import { probeDependencies } from './probe-dependencies';
import { testTimeTarget } from './test-time-target';

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
    this.target = testTimeTarget(target, options);
    this.ports = new FleetPorts(settings.ports);
  }

  /**
   * Asks every dependency the mode uses once (probeDependencies), so an unreachable server fails
   * the command in seconds, naming it, instead of after the searches' retries.
   */
  probe(): Promise<void> {
    return probeDependencies(this.target, this.settings.probeTimeoutMs);
  }

  solve(problem: TestTimeProblem, call: TestTimeCall = {}): Promise<TestTimeOutcome> {
    return solveProblem(this.ports.portsFor(this.target, problem.id), this.options, problem, call);
  }

  close(): Promise<void> {
    return this.ports.close();
  }
}
