import {
  RstarError,
  type DependencyHealth,
  type DependencyKind,
  type RoundManifest,
} from '@rstar-fleet/protocol';
import { SandboxClient } from '@rstar-fleet/protocol/sandbox';
import { describeFailure } from './failure';
import type { PortsProvider, RunPortsTarget } from './fleet-ports';

/**
 * A worker's view of the services it depends on (DESIGN §8: a dependency a worker cannot reach
 * shows within seconds). Each dependency is probed every few seconds with a short deadline, on
 * its own connection, independently of the search: a search unit that meets an outage waits
 * minutes between attempts, so the search itself cannot say quickly that something is down.
 * Knows nothing of BullMQ or Redis: the host adds its Redis as one more check.
 */

/** One dependency and how to ask whether it is there. */
export interface DependencyCheck {
  dependency: DependencyKind;
  /** Sandbox address, inference endpoint name, Redis `host:port`. */
  endpoint: string;
  /** Resolves when the dependency answers; rejects when not (the signal fires at the deadline). */
  probe(signal: AbortSignal): Promise<void>;
}

export interface DependencyProberOptions {
  /** Pause between probe rounds, ms. */
  intervalMs: number;
  /** Deadline of one probe, ms. */
  timeoutMs: number;
  /** A dependency went down or came back (for the host's log). */
  onChange?: (health: DependencyHealth) => void;
  /** After every probe round (for the host's health record). */
  onProbed?: (health: DependencyHealth[]) => void;
  now?: () => number;
}

const keyOf = (c: { dependency: string; endpoint: string }): string =>
  `${c.dependency} ${c.endpoint}`;

/**
 * Probes groups of checks (the host's own, one per run's current round manifest) in rounds, and
 * keeps each dependency's state: up or down, since when, the last error and its code. A check
 * not yet probed counts as up (nothing is known against it).
 */
export class DependencyProber {
  private readonly groups = new Map<string, DependencyCheck[]>();
  private readonly states = new Map<string, DependencyHealth>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: DependencyProberOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Replaces the checks of a group (none: removes it); a dependency in no group is forgotten. */
  setGroup(group: string, checks: readonly DependencyCheck[]): void {
    if (checks.length === 0) this.groups.delete(group);
    else this.groups.set(group, [...checks]);
    const live = new Set(this.checks().map(keyOf));
    for (const key of this.states.keys()) if (!live.has(key)) this.states.delete(key);
    // A dependency new to a running prober is probed now, not at the next round.
    if (this.started && !this.stopped) {
      for (const c of checks) if (!this.states.has(keyOf(c))) void this.probeOne(c);
    }
  }

  /** Every check of every group, one per dependency and endpoint. */
  checks(): DependencyCheck[] {
    const byKey = new Map<string, DependencyCheck>();
    for (const checks of this.groups.values()) for (const c of checks) byKey.set(keyOf(c), c);
    return [...byKey.values()];
  }

  /** Probes every check once, in parallel, each within the deadline. */
  async probeAll(): Promise<DependencyHealth[]> {
    await Promise.all(this.checks().map((c) => this.probeOne(c)));
    const health = this.health();
    this.options.onProbed?.(health);
    return health;
  }

  /** The states known so far, by dependency and endpoint. */
  health(): DependencyHealth[] {
    return [...this.states.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  /**
   * The down dependencies that stop work: Redis, any sandbox address (a tree's programs go to
   * the one its problem hashes to), and a policy or PPM endpoint only when every endpoint of that
   * kind in its group is down (the inference clients fail over between replicas).
   */
  blocking(): DependencyHealth[] {
    const blocking = new Map<string, DependencyHealth>();
    for (const checks of this.groups.values()) {
      for (const kind of ['sandbox', 'policy', 'ppm', 'redis'] as const) {
        const states = checks
          .filter((c) => c.dependency === kind)
          .map((c) => this.states.get(keyOf(c)))
          .filter((s): s is DependencyHealth => s !== undefined);
        const down = states.filter((s) => !s.up);
        const replicated = kind === 'policy' || kind === 'ppm';
        if (down.length > 0 && (!replicated || down.length === states.length)) {
          for (const s of down) blocking.set(keyOf(s), s);
        }
      }
    }
    return [...blocking.values()];
  }

  /** Nothing blocks work (see blocking()): what the worker's readiness asks. */
  ready(): boolean {
    return this.blocking().length === 0;
  }

  /** Probes now and then every `intervalMs` until stop(). */
  start(): void {
    this.started = true;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.probeAll()
        .then(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs);
        });
    };
    loop();
  }

  /** Stops probing; resolves once a round in progress has ended (bounded by the deadline). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async probeOne(check: DependencyCheck): Promise<void> {
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let failure: unknown = null;
    try {
      // The deadline holds even for a probe that ignores its signal.
      await Promise.race([
        check.probe(controller.signal),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(
              new RstarError(
                'DEADLINE_EXCEEDED',
                `${check.dependency} ${check.endpoint}: no answer within ${timeoutMs} ms`,
              ),
            );
          }, timeoutMs);
        }),
      ]);
    } catch (err) {
      failure = err;
    } finally {
      clearTimeout(timer);
    }
    const key = keyOf(check);
    if (!this.groupsHold(key)) return; // removed while it was being probed
    const previous = this.states.get(key);
    const up = failure === null;
    const described = up ? null : describeFailure(failure);
    const next: DependencyHealth = {
      dependency: check.dependency,
      endpoint: check.endpoint,
      up,
      since:
        previous !== undefined && previous.up === up
          ? previous.since
          : new Date(this.now()).toISOString(),
      code: described?.code ?? null,
      error: described?.message ?? null,
    };
    this.states.set(key, next);
    // The first probe of a dependency that is up is no news; every other change is.
    if (previous === undefined ? !up : previous.up !== up) this.options.onChange?.(next);
  }

  private groupsHold(key: string): boolean {
    for (const checks of this.groups.values())
      if (checks.some((c) => keyOf(c) === key)) return true;
    return false;
  }
}

/** GET `url` within the signal: up when anything but a 5xx answers (a 404 is still a server). */
export async function probeHttp(url: string, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'manual' });
  } catch (err) {
    if (signal.aborted) {
      throw new RstarError('DEADLINE_EXCEEDED', `GET ${url}: no answer in time`, { cause: err });
    }
    const cause = (err as { cause?: unknown }).cause ?? err;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new RstarError('UNAVAILABLE', `GET ${url}: ${detail}`, { cause });
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 500) {
    throw Object.assign(new RstarError('UNAVAILABLE', `GET ${url}: HTTP ${res.status}`), {
      status: res.status,
    });
  }
}

/**
 * Checks of what a round manifest names: every sandbox address (grpc.health.v1 Check), every
 * policy and PPM endpoint (GET /health, which vLLM, SGLang and llama.cpp serve; /v1/models for
 * a generic OpenAI-compatible server). Sandbox probes use clients of their own, kept in
 * `sandboxes` by address, so a probe never queues behind the search's calls.
 */
export function manifestChecks(
  manifest: Pick<RoundManifest, 'policy' | 'ppm' | 'sandbox'>,
  sandboxes: SandboxProbeClients,
): DependencyCheck[] {
  const checks: DependencyCheck[] = manifest.sandbox.addresses.map((address) => ({
    dependency: 'sandbox',
    endpoint: address,
    probe: (signal) => sandboxes.probe(address, signal),
  }));
  const policyPath = manifest.policy.dialect === 'openai' ? '/v1/models' : '/health';
  for (const e of manifest.policy.endpoints) {
    const url = `${e.url.replace(/\/+$/, '')}${policyPath}`;
    checks.push({
      dependency: 'policy',
      endpoint: e.name,
      probe: (signal) => probeHttp(url, signal),
    });
  }
  for (const e of manifest.ppm?.endpoints ?? []) {
    const url = `${e.url.replace(/\/+$/, '')}/health`;
    checks.push({ dependency: 'ppm', endpoint: e.name, probe: (signal) => probeHttp(url, signal) });
  }
  return checks;
}

/** The probes' own sandbox channels, one per address. */
export class SandboxProbeClients {
  private readonly clients = new Map<string, SandboxClient>();

  constructor(private readonly timeoutMs: number) {}

  /** SERVING within the deadline, or a SandboxCallError naming the address and gRPC status. */
  async probe(address: string, signal: AbortSignal): Promise<void> {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = new SandboxClient({ address });
      this.clients.set(address, client);
    }
    const status = await client.checkHealth('', { deadlineMs: this.timeoutMs, signal });
    if (status !== 'SERVING') {
      throw new RstarError('UNAVAILABLE', `sandbox ${address}: health ${status}`);
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/**
 * The dependencies of the runs this worker searches: each run's newest round manifest (learnt as
 * the search asks for ports) decides that run's checks (prober group `run:<id>`), so the prober
 * follows the endpoints as rounds deploy new models. An evaluation's units (targets with
 * `evaluation`) add a group of their own holding every server its modes asked for (an evaluation
 * may score other models than the round's, and its greedy units name no PPM while its System-2
 * units do). A run's groups are dropped `forgetMs` after the worker's last shard of it ended: a
 * finished run's servers may be torn down without this worker turning unready.
 */
export class RunDependencies {
  private readonly rounds = new Map<string, number>();
  /** Evaluation groups by run, each with its checks by dependency and endpoint. */
  private readonly evaluations = new Map<string, Map<string, Map<string, DependencyCheck>>>();
  private readonly active = new Map<string, number>();
  private readonly forgetting = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly prober: DependencyProber,
    private readonly sandboxes: SandboxProbeClients,
    private readonly forgetMs: number,
  ) {}

  /** The ports provider that reports the targets it is asked for (a few map lookups per unit). */
  watch(inner: PortsProvider): PortsProvider {
    return {
      portsFor: (target, problemId) => {
        this.saw(target);
        return inner.portsFor(target, problemId);
      },
      close: () => inner.close(),
    };
  }

  saw(target: RunPortsTarget): void {
    if (target.evaluation !== undefined) {
      this.sawEvaluation(target, target.evaluation);
      return;
    }
    const known = this.rounds.get(target.run);
    if (known !== undefined && target.round <= known) return;
    this.rounds.set(target.run, target.round);
    this.prober.setGroup(`run:${target.run}`, manifestChecks(target, this.sandboxes));
  }

  private sawEvaluation(target: RunPortsTarget, evaluation: string): void {
    let groups = this.evaluations.get(target.run);
    if (groups === undefined) {
      groups = new Map();
      this.evaluations.set(target.run, groups);
    }
    const group = `run:${target.run}:eval:${target.round}:${evaluation}`;
    let checks = groups.get(group);
    if (checks === undefined) {
      checks = new Map();
      groups.set(group, checks);
    }
    let grew = false;
    for (const check of manifestChecks(target, this.sandboxes)) {
      if (checks.has(keyOf(check))) continue;
      checks.set(keyOf(check), check);
      grew = true;
    }
    if (grew) this.prober.setGroup(group, [...checks.values()]);
  }

  shardStarted(run: string): void {
    clearTimeout(this.forgetting.get(run));
    this.forgetting.delete(run);
    this.active.set(run, (this.active.get(run) ?? 0) + 1);
  }

  shardEnded(run: string): void {
    const left = (this.active.get(run) ?? 1) - 1;
    if (left > 0) {
      this.active.set(run, left);
      return;
    }
    this.active.delete(run);
    const timer = setTimeout(() => {
      this.forgetting.delete(run);
      this.rounds.delete(run);
      this.prober.setGroup(`run:${run}`, []);
      for (const group of this.evaluations.get(run)?.keys() ?? []) this.prober.setGroup(group, []);
      this.evaluations.delete(run);
    }, this.forgetMs);
    timer.unref();
    this.forgetting.set(run, timer);
  }

  close(): void {
    for (const timer of this.forgetting.values()) clearTimeout(timer);
    this.forgetting.clear();
  }
}
