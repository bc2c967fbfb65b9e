import { isEquivalent } from '@rstar-fleet/grader';
import {
  PolicyClient,
  RewardClient,
  type CommonClientOptions,
  type GovernorOptions,
} from '@rstar-fleet/inference';
import type { GraderPort, SearchPorts } from '@rstar-fleet/mcts';
import type { RoundManifest } from '@rstar-fleet/protocol';
import { SandboxClient } from '@rstar-fleet/protocol/sandbox';
import { sandboxExecutorFor, type SandboxExecutorOptions } from './sandbox-executor';

/**
 * What ports are built from: the models, their endpoints, the sandboxes and the sampling of a
 * round manifest (or of a test-time target that names them the same way).
 */
export type PortsTarget = Pick<RoundManifest, 'policy' | 'ppm' | 'sandbox' | 'sampling'>;

/**
 * What a unit of a run searches against: a round manifest (its units), or an evaluation's
 * models adjusted to one test-time mode (`evaluation` set; see testTimeTarget), so the host can
 * tell which run, and which evaluation of it, a dependency serves.
 */
export interface RunPortsTarget extends PortsTarget {
  run: string;
  round: number;
  /** The evaluation's name, for an eval shard's units; absent for a round's. */
  evaluation?: string;
}

/** Where a search unit gets its ports: one set per (target, problem). */
export interface PortsProvider {
  portsFor(target: RunPortsTarget, problemId: string): SearchPorts;
  /** Closes every client it opened; bounded by the clients' own close. */
  close(): Promise<void>;
}

/**
 * Timings of the calls a search makes, for the host's metrics (this package knows no exporter).
 * `ok` is false when the call threw (deadline, outage, cancellation).
 */
export interface PortsObserver {
  /** One ExecuteBatch call to a sandbox (all sibling programs of an expansion). */
  sandboxCall?(seconds: number, programs: number, ok: boolean): void;
  /** One PPM scoring call as the search sees it: governor wait and retries included. */
  ppmScore?(seconds: number, prefixes: number, ok: boolean): void;
}

export interface FleetPortsOptions {
  /** Inference metrics (`rstar_inference_*`) go here; default: not exported. */
  registry?: CommonClientOptions['registry'];
  /** Governor of every inference endpoint (in-flight budget, retries, deadlines). */
  governor?: GovernorOptions;
  sandbox?: SandboxExecutorOptions;
  observer?: PortsObserver;
}

async function timed<T>(
  call: () => Promise<T>,
  report: (seconds: number, ok: boolean) => void,
): Promise<T> {
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const value = await call();
    report(seconds(), true);
    return value;
  } catch (err) {
    report(seconds(), false);
    throw err;
  }
}

/** The grader port: exact mathematical equivalence of the boxed answer and the reference. */
export const fleetGrader: GraderPort = { equal: (pred, ref) => isEquivalent(pred, ref) };

/**
 * The fleet's real ports, built from a round manifest: PolicyClient (governor, tree-sticky
 * replicas), RewardClient pinned per tree (`forTree`, PPM prefix-cache affinity), the sandbox's
 * batch call, the grader. Clients are created once per distinct endpoint set, model and
 * settings (a new round with new models gets new clients) and shared by every job.
 */
export class FleetPorts implements PortsProvider {
  private readonly policies = new Map<string, PolicyClient>();
  private readonly rewards = new Map<string, RewardClient>();
  private readonly sandboxes = new Map<string, SandboxClient>();

  constructor(private readonly options: FleetPortsOptions = {}) {}

  portsFor(manifest: PortsTarget, problemId: string): SearchPorts {
    const policy = this.policyFor(manifest);
    const reward = this.rewardFor(manifest);
    const sandboxes = manifest.sandbox.addresses.map((a) => this.sandboxFor(a));
    const observer = this.options.observer;
    const executor = sandboxExecutorFor(sandboxes, problemId, this.options.sandbox);
    const ppm = reward?.forTree(problemId);
    return {
      policy,
      executor:
        observer?.sandboxCall === undefined
          ? executor
          : {
              execute: (programs, signal) =>
                timed(
                  () => executor.execute(programs, signal),
                  (sec, ok) => observer.sandboxCall?.(sec, programs.length, ok),
                ),
            },
      grader: fleetGrader,
      ...(ppm === undefined
        ? {}
        : {
            reward:
              observer?.ppmScore === undefined
                ? ppm
                : {
                    score: (prefixes, signal) =>
                      timed(
                        () => ppm.score(prefixes, signal),
                        (sec, ok) => observer.ppmScore?.(sec, prefixes.length, ok),
                      ),
                  },
          }),
    };
  }

  async close(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const c of this.policies.values()) closing.push(c.close());
    for (const c of this.rewards.values()) closing.push(c.close());
    for (const c of this.sandboxes.values()) c.close();
    this.policies.clear();
    this.rewards.clear();
    this.sandboxes.clear();
    await Promise.allSettled(closing);
  }

  private policyFor(manifest: PortsTarget): PolicyClient {
    const { policy, sampling } = manifest;
    const key = JSON.stringify([policy, sampling]);
    let client = this.policies.get(key);
    if (client === undefined) {
      client = new PolicyClient({
        endpoints: policy.endpoints,
        dialect: policy.dialect,
        model: policy.model,
        sampling: {
          temperature: sampling.temperature,
          topP: sampling.topP,
          maxTokens: sampling.maxTokens,
        },
        ...this.common(),
      });
      this.policies.set(key, client);
    }
    return client;
  }

  private rewardFor(manifest: PortsTarget): RewardClient | null {
    const { ppm } = manifest;
    if (ppm === null) return null;
    const key = JSON.stringify(ppm);
    let client = this.rewards.get(key);
    if (client === undefined) {
      client = new RewardClient({
        endpoints: ppm.endpoints,
        dialect: ppm.dialect,
        model: ppm.model,
        transform: ppm.transform,
        ...this.common(),
      });
      this.rewards.set(key, client);
    }
    return client;
  }

  private sandboxFor(address: string): SandboxClient {
    let client = this.sandboxes.get(address);
    if (client === undefined) {
      client = new SandboxClient({ address });
      this.sandboxes.set(address, client);
    }
    return client;
  }

  private common(): Pick<CommonClientOptions, 'registry' | 'governor'> {
    return {
      ...(this.options.registry === undefined ? {} : { registry: this.options.registry }),
      ...(this.options.governor === undefined ? {} : { governor: this.options.governor }),
    };
  }
}
