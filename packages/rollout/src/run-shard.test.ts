import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceDeadlineError, InferenceUnavailableError } from '@rstar-fleet/inference';
import type { SearchPorts } from '@rstar-fleet/mcts';
import { checkRecordInvariants, createToyWorld, type ToyWorld } from '@rstar-fleet/mcts/testing';
import {
  InvalidInputError,
  NotFoundError,
  ROUND_MANIFEST_VERSION,
  searchUnitKey,
  searchUnitSeed,
  type RoundManifest,
  type ShardJobData,
  type ShardProgress,
} from '@rstar-fleet/protocol';
import { FileSystemStore, readShardResults, shardInput, shardResults } from '@rstar-fleet/store';
import { OutageBudgetExceededError } from './outage-budget-exceeded-error';
import { ShardCancelledError } from './shard-cancelled-error';
import { isPoisonShardError } from './poison-shard';
import type { PortsProvider } from './fleet-ports';
import { ManifestCache } from './manifests';
import { compileRolloutOptions } from './options';
import { OutageClock, type Clock } from './outage';
import { runShard, type ShardDeps } from './run-shard';
import { RolloutStats } from './stats';

const RUN = 'unit';
const MANIFEST = `runs/${RUN}/round-1/round.json`;

function manifestFor(trees: number, problems: number, shards = 1): RoundManifest {
  return {
    v: ROUND_MANIFEST_VERSION,
    run: RUN,
    round: 1,
    policy: { model: 'toy', dialect: 'vllm', endpoints: [{ url: 'http://toy:1', name: 'toy' }] },
    ppm: null,
    sandbox: { addresses: ['toy:1'] },
    search: {
      mode: 'mcts',
      candidates: 3,
      maxDepth: 8,
      errorsThreshold: 1,
      c: 2,
      qRule: 'terminal',
      seed: 11,
      beamWidth: 4,
      escalation: [],
    },
    sampling: { temperature: 0.7, topP: 1, maxTokens: 256 },
    shards: { size: 256, maxFailedShare: 0 },
    phases: [{ phase: 0, rollouts: 4, trees, firstShard: 0, shards, problems }],
  };
}

/** A clock whose sleeps pass instantly but advance `now` (outage budgets without waiting). */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    random: () => 0.5,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

/** Toy ports for every unit; `policyFault` may throw before the toy policy answers. */
function toyPorts(world: ToyWorld, policyFault?: () => void): PortsProvider {
  const ports: SearchPorts = {
    ...world.ports,
    policy: {
      expand: (request) => {
        policyFault?.();
        return world.ports.policy.expand(request);
      },
    },
  };
  return { portsFor: () => ports, close: () => Promise.resolve() };
}

describe('runShard (toy ports, real filesystem store)', () => {
  let dir: string;
  let store: FileSystemStore;
  let world: ToyWorld;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rstar-rollout-'));
    store = new FileSystemStore(dir);
    world = createToyWorld({ seed: 3, problems: 6, withoutReward: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (): string[] =>
    world.problems.map((p) =>
      JSON.stringify({ id: p.id, problem: p.question, answer: p.reference, source: 'toy' }),
    );

  async function setup(trees: number, input = lines()): Promise<ShardJobData> {
    await store.write(MANIFEST, JSON.stringify(manifestFor(trees, input.length)));
    await store.write(shardInput(RUN, 1, 0), input.map((l) => `${l}\n`).join(''));
    return {
      run: RUN,
      round: 1,
      shard: 0,
      phase: 0,
      input: shardInput(RUN, 1, 0),
      results: shardResults(RUN, 1, 0),
      manifest: MANIFEST,
    };
  }

  function deps(ports: PortsProvider, extra: Partial<ShardDeps> = {}): ShardDeps {
    return {
      store,
      manifests: new ManifestCache(store),
      ports,
      clock: fakeClock(),
      options: compileRolloutOptions({
        problemsInFlight: 3,
        treeConcurrency: 2,
        progressIntervalMs: 0,
      }),
      ...extra,
    };
  }

  async function collect() {
    const all = [];
    for await (const r of readShardResults(store, RUN, 1, 0)) all.push(r);
    return all;
  }

  async function records(): Promise<{ keys: string[]; solved: Set<string> }> {
    const keys: string[] = [];
    const solved = new Set<string>();
    for await (const r of readShardResults(store, RUN, 1, 0)) {
      expect(checkRecordInvariants(r)).toEqual([]);
      keys.push(searchUnitKey(r.problemId, r.search.seed));
      if (r.stats.solved) solved.add(r.problemId);
    }
    return { keys, solved };
  }

  const allKeys = (trees: number): string[] =>
    world.problems.flatMap((p) =>
      Array.from({ length: trees }, (_, t) => searchUnitKey(p.id, searchUnitSeed(11, 0, t))),
    );

  it('searches every unit (problem × tree) once with its own seed; a re-run skips them all', async () => {
    const data = await setup(2);
    const stats = new RolloutStats();
    const progress: ShardProgress[] = [];
    const first = await runShard(data, deps(toyPorts(world), { stats }), {
      progress: (p) => void progress.push(p),
    });
    const { keys, solved } = await records();
    expect([...keys].sort()).toEqual(allKeys(2).sort());
    expect(first).toEqual({ written: 12, skipped: 0, solved: solved.size, problems: 6 });
    expect(progress.at(-1)).toEqual({
      done: 12,
      total: 12,
      written: 12,
      skipped: 0,
      solved: solved.size,
    });
    expect(stats.totals).toMatchObject({
      unitsWritten: 12,
      problemsSearched: 6,
      shardsCompleted: 1,
    });
    expect(stats.totals.rollouts).toBeGreaterThanOrEqual(12);

    const again = await runShard(
      data,
      deps(
        toyPorts(world, () => {
          throw new Error('a re-run must not search');
        }),
      ),
    );
    expect(again).toEqual({ written: 0, skipped: 12, solved: solved.size, problems: 6 });
    expect((await records()).keys).toHaveLength(12);
  });

  it('fails a malformed shard line as poison, naming file:line', async () => {
    const input = lines();
    input.splice(1, 0, '{"id": "x", "problem": "no answer"}');
    const data = await setup(1, input);
    const err: unknown = await runShard(data, deps(toyPorts(world))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain(`${shardInput(RUN, 1, 0)}:2`);
    expect(isPoisonShardError(err)).toBe(true);
  });

  it('re-reads a cached manifest that lacks the shard (an escalation phase appended later)', async () => {
    const data = await setup(1);
    const shared = deps(toyPorts(world));
    await runShard(data, shared);
    const escalated = manifestFor(1, 6);
    escalated.phases.push({
      phase: 1,
      rollouts: 2,
      trees: 1,
      firstShard: 1,
      shards: 1,
      problems: 2,
    });
    await store.write(MANIFEST, JSON.stringify(escalated));
    await store.write(shardInput(RUN, 1, 1), lines().slice(0, 2).join('\n'));
    const result = await runShard(
      {
        ...data,
        shard: 1,
        phase: 1,
        input: shardInput(RUN, 1, 1),
        results: shardResults(RUN, 1, 1),
      },
      shared,
    );
    expect(result).toMatchObject({ written: 2, problems: 2 });
    const missing: unknown = await runShard(
      { ...data, shard: 5, input: shardInput(RUN, 1, 1), results: shardResults(RUN, 1, 5) },
      shared,
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(isPoisonShardError(missing)).toBe(true);
  });

  it('rides out an inference outage: units are searched again after a pause, none fails', async () => {
    const data = await setup(1);
    let failures = 10;
    const down = (): void => {
      if (failures-- > 0)
        throw new InferenceUnavailableError({ endpoint: 'toy', role: 'policy' }, 'ECONNREFUSED');
    };
    const stats = new RolloutStats();
    const clock = fakeClock();
    const outages: string[] = [];
    const result = await runShard(data, deps(toyPorts(world, down), { stats, clock }), {
      onOutage: (e) => outages.push(e.unit),
    });
    expect(result).toMatchObject({ written: 6, skipped: 0, problems: 6 });
    expect(stats.totals.outageRetries).toBe(10);
    expect(outages).toHaveLength(10);
    expect(clock.slept.every((ms) => ms >= 250 && ms <= 15_000)).toBe(true);
    expect([...(await records()).keys].sort()).toEqual(allKeys(1).sort());
  });

  it('fails the shard once an outage outlasts the budget, keeping the units already written', async () => {
    const data = await setup(1);
    let calls = 0;
    const downAfterFirstUnits = (): void => {
      if (++calls > 12)
        throw new InferenceUnavailableError({ endpoint: 'toy', role: 'policy' }, 'down');
    };
    const stats = new RolloutStats();
    const options = compileRolloutOptions({ problemsInFlight: 1, outageBudgetMs: 60_000 });
    const err: unknown = await runShard(
      data,
      deps(toyPorts(world, downAfterFirstUnits), { stats, options }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutageBudgetExceededError);
    expect(isPoisonShardError(err)).toBe(false);
    expect(stats.totals.shardsFailed).toBe(1);
    const { keys } = await records();
    expect(keys.length).toBe(stats.totals.unitsWritten);
    expect(keys.length).toBeLessThan(6);
  });

  it('retries a timed-out expansion on its own: the tree keeps its finished rollouts', async () => {
    // One unit at a time, one rollout at a time: the same seeds give the same searches.
    const sequential = compileRolloutOptions({
      problemsInFlight: 1,
      treeConcurrency: 1,
      progressIntervalMs: 0,
    });
    const summary = async () =>
      (await collect()).map((r) => [r.problemId, r.stats.rollouts, r.stats.expansions]);
    const data = await setup(1);
    let clean = 0;
    await runShard(
      data,
      deps(
        toyPorts(world, () => void clean++),
        { options: sequential },
      ),
    );
    const expected = await summary();

    rmSync(join(dir, 'runs'), { recursive: true, force: true });
    await setup(1);
    let calls = 0;
    let timeouts = 0;
    // Every 4th expansion hangs until its deadline (the hung server).
    const hung = (): void => {
      if (++calls % 4 === 0) {
        timeouts += 1;
        throw new InferenceDeadlineError({ endpoint: 'toy', role: 'policy' }, 5000);
      }
    };
    const stats = new RolloutStats();
    const events: { scope?: string; port?: string }[] = [];
    const result = await runShard(
      data,
      deps(toyPorts(world, hung), { options: sequential, stats }),
      { onOutage: (e) => events.push({ scope: e.scope, port: e.port }) },
    );
    expect(result).toMatchObject({ written: 6, problems: 6 });
    // Each timed-out call was sent once more; nothing the trees had done was searched again.
    expect(timeouts).toBeGreaterThan(3);
    expect(calls).toBe(clean + timeouts);
    expect(await summary()).toEqual(expected);
    expect(stats.totals.unitRestarts).toBe(0);
    expect(stats.totals.outageRetries).toBe(timeouts);
    expect(events.every((e) => e.scope === 'call' && e.port === 'policy')).toBe(true);
  });

  it('measures an outage from the last success: intermittent failures never spend the budget', async () => {
    const data = await setup(1);
    let calls = 0;
    // Every 3rd call fails: over the shard the pauses add up to far more than the budget, but
    // the server keeps answering the other calls, so it is never down for the budget's length.
    const flaky = (): void => {
      if (++calls % 3 === 0)
        throw new InferenceUnavailableError({ endpoint: 'toy', role: 'policy' }, 'ECONNRESET');
    };
    const clock = fakeClock();
    const stats = new RolloutStats();
    const options = compileRolloutOptions({
      problemsInFlight: 3,
      treeConcurrency: 2,
      progressIntervalMs: 0,
      outageBudgetMs: 2_000,
      outageBaseDelayMs: 500,
    });
    const result = await runShard(data, deps(toyPorts(world, flaky), { clock, options, stats }));
    expect(result).toMatchObject({ written: 6, problems: 6 });
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBeGreaterThan(2_000);
    expect(stats.totals.shardsFailed).toBe(0);
  });

  it('stops promptly when cancelled during a call retry pause', async () => {
    const data = await setup(1);
    const controller = new AbortController();
    // Pauses that only end by cancellation: the shard must not wait them out.
    const clock: Clock = {
      now: () => 0,
      random: () => 0.5,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          const cancel = (): void => reject(new ShardCancelledError('cancelled'));
          if (signal?.aborted === true) cancel();
          signal?.addEventListener('abort', cancel, { once: true });
        }),
    };
    const down = (): void => {
      throw new InferenceUnavailableError({ endpoint: 'toy', role: 'policy' }, 'ECONNREFUSED');
    };
    const err: unknown = await runShard(data, deps(toyPorts(world, down), { clock }), {
      signal: controller.signal,
      onOutage: () => controller.abort(new Error('shutdown')),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShardCancelledError);
    expect((await records()).keys).toHaveLength(0);
  });

  it('stops on cancellation with nothing half-written; a re-run completes without duplicates', async () => {
    const data = await setup(2);
    const controller = new AbortController();
    const stats = new RolloutStats();
    const err: unknown = await runShard(data, deps(toyPorts(world), { stats }), {
      signal: controller.signal,
      progress: (p) => {
        if (p.done >= 3) controller.abort(new Error('shutdown'));
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShardCancelledError);
    expect(stats.totals.shardsCancelled).toBe(1);
    const partial = (await records()).keys;
    expect(partial.length).toBeGreaterThanOrEqual(3);
    expect(partial.length).toBeLessThan(12);

    const result = await runShard(data, deps(toyPorts(world)));
    expect(result).toMatchObject({ written: 12 - partial.length, skipped: partial.length });
    const keys = (await records()).keys;
    expect(new Set(keys).size).toBe(12);
    expect(keys).toHaveLength(12);
  });

  it('fails on a non-availability error after letting running units finish', async () => {
    const data = await setup(1);
    let calls = 0;
    const broken = (): void => {
      if (++calls === 5) throw new Error('policy bug');
    };
    const err: unknown = await runShard(data, deps(toyPorts(world, broken))).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain('policy');
    expect(isPoisonShardError(err)).toBe(false);
    const { keys } = await records();
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('rejects a job whose phase disagrees with its manifest', async () => {
    const data = await setup(1);
    const err: unknown = await runShard({ ...data, phase: 1 }, deps(toyPorts(world))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain('phase');
  });
});

describe('OutageClock', () => {
  it('counts from the first failure after the last success; a success ends the outage', () => {
    let now = 1000;
    const outage = new OutageClock({ now: () => now });
    expect(outage.failed()).toBe(0);
    now += 400;
    expect(outage.failed()).toBe(400);
    outage.succeeded();
    now += 10_000;
    expect(outage.failed()).toBe(0);
    now += 250;
    expect(outage.failed()).toBe(250);
  });
});
