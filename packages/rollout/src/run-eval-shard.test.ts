import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SearchPorts, type StepCandidate, type TestTimeMode } from '@rstar-fleet/mcts';
import {
  createToyWorld,
  scriptedStep,
  testEvalManifest,
  type ToyWorld,
} from '@rstar-fleet/mcts/testing';
import {
  EvalRunRecordSchema,
  InvalidInputError,
  RstarError,
  evalRunKey,
  type EvalManifest,
  type EvalRunRecord,
  type EvalShardJobData,
  type ShardProgress,
} from '@rstar-fleet/protocol';
import {
  FileSystemStore,
  evalFile,
  evalShardInput,
  evalShardResults,
  readEvalShardResults,
} from '@rstar-fleet/store';
import { ShardCancelledError } from './shard-cancelled-error';
import { isPoisonShardError } from './poison-shard';
import { fleetGrader, type PortsProvider, type RunPortsTarget } from './fleet-ports';
import { ManifestCache } from './manifests';
import { compileRolloutOptions } from './options';
import type { ProbedTarget } from './probe-dependencies';
import { runEvalShard, type EvalShardDeps } from './run-eval-shard';
import { RolloutStats } from './stats';

const RUN = 'unit';
const ROUND = 2;
const NAME = 'held-out';
const MANIFEST = evalFile(RUN, ROUND, NAME, 'eval.json');
const SEED = 100;
const TEMPERATURE = 0.7;
/** Test-time budgets small enough for the toy world. */
const SMALL_BUDGET = { mcts: { candidates: 3, rollouts: 3, maxDepth: 8 }, solutionMaxDepth: 8 };

/** Modes with small budgets; options compiled as the orchestrator does, through JSON. */
function manifestFor(
  modes: { mode: TestTimeMode; runs: number }[],
  problems: number,
): EvalManifest {
  return testEvalManifest(
    {
      run: RUN,
      round: ROUND,
      name: NAME,
      policy: { model: 'toy', dialect: 'vllm', endpoints: [{ url: 'http://toy:1', name: 'toy' }] },
      ppm: {
        model: 'toy-ppm',
        dialect: 'vllm-classify',
        transform: 'tanh5',
        endpoints: [{ url: 'http://toy:2', name: 'toy-ppm' }],
      },
      sandbox: { addresses: ['toy:3'] },
      sampling: { temperature: TEMPERATURE, topP: 1, maxTokens: 256 },
      seed: SEED,
      benchmarks: [
        { name: 'synth-heldout', source: 'toy', problems, skipped: 0, firstShard: 0, shards: 1 },
      ],
      shards: { size: 64, maxFailedShare: 0 },
    },
    modes.map((m) => ({ ...m, ...SMALL_BUDGET })),
  );
}

/** The ports a test hands out, and what runEvalShard asked for. */
interface Recorded {
  provider: PortsProvider;
  targets: RunPortsTarget[];
  rewardCalls: () => number;
}

/** `ports` for every unit, with the fleet's real grader (equivalence, not string equality). */
function recording(ports: SearchPorts, policyFault?: () => void): Recorded {
  const targets: RunPortsTarget[] = [];
  let rewardCalls = 0;
  const { reward } = ports;
  const wrapped: SearchPorts = {
    ...ports,
    grader: fleetGrader,
    policy: {
      expand: (request) => {
        policyFault?.();
        return ports.policy.expand(request);
      },
    },
    ...(reward === undefined
      ? {}
      : {
          reward: {
            score: (prefixes, signal) => {
              rewardCalls += 1;
              return reward.score(prefixes, signal);
            },
          },
        }),
  };
  return {
    targets,
    rewardCalls: () => rewardCalls,
    provider: {
      // As FleetPorts does: a target without a PPM gets no reward port.
      portsFor: (target) => {
        targets.push(target);
        if (target.ppm !== null) return wrapped;
        const { reward: _unused, ...policyOnly } = wrapped;
        return policyOnly;
      },
      close: () => Promise.resolve(),
    },
  };
}

describe('runEvalShard (toy ports, real filesystem store)', () => {
  let dir: string;
  let store: FileSystemStore;
  let world: ToyWorld;
  let probed: ProbedTarget[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rstar-eval-shard-'));
    store = new FileSystemStore(dir);
    world = createToyWorld({ seed: 5, problems: 3, stepSkill: 0.8, ppmNoise: 0.1 });
    probed = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const toyLines = (): string[] =>
    world.problems.map((p) =>
      JSON.stringify({ id: p.id, problem: p.question, answer: p.reference, source: 'toy' }),
    );

  async function setup(
    modes: { mode: TestTimeMode; runs: number }[],
    lines = toyLines(),
    manifest = manifestFor(modes, lines.length),
  ): Promise<EvalShardJobData> {
    await store.write(MANIFEST, JSON.stringify(manifest));
    await store.write(evalShardInput(RUN, ROUND, NAME, 0), lines.map((l) => `${l}\n`).join(''));
    return {
      run: RUN,
      round: ROUND,
      evaluation: NAME,
      shard: 0,
      input: evalShardInput(RUN, ROUND, NAME, 0),
      results: evalShardResults(RUN, ROUND, NAME, 0),
      manifest: MANIFEST,
    };
  }

  function deps(ports: PortsProvider, extra: Partial<EvalShardDeps> = {}): EvalShardDeps {
    return {
      store,
      manifests: new ManifestCache(store),
      ports,
      options: compileRolloutOptions({ problemsInFlight: 4, progressIntervalMs: 0 }),
      probe: (target) => {
        probed.push(target);
        return Promise.resolve();
      },
      ...extra,
    };
  }

  async function records(): Promise<EvalRunRecord[]> {
    const all: EvalRunRecord[] = [];
    for await (const r of readEvalShardResults(store, RUN, ROUND, NAME, 0)) all.push(r);
    return all;
  }

  it('writes one record per (problem, mode, run) with distinct seeds; a re-run writes nothing', async () => {
    const modes = [
      { mode: 'greedy' as const, runs: 1 },
      { mode: 'system2' as const, runs: 3 },
    ];
    const data = await setup(modes);
    const stats = new RolloutStats();
    const progress: ShardProgress[] = [];
    const ports = recording(world.ports);
    const first = await runEvalShard(data, deps(ports.provider, { stats }), {
      progress: (p) => void progress.push(p),
    });
    const written = await records();
    expect(written).toHaveLength(3 * 4);
    for (const r of written) expect(EvalRunRecordSchema.parse(r)).toEqual(r);
    expect(new Set(written.map(evalRunKey)).size).toBe(12);
    for (const p of world.problems) {
      const system2 = written.filter((r) => r.problemId === p.id && r.mode === 'system2');
      expect(system2.map((r) => [r.run, r.seed]).sort()).toEqual([
        [0, SEED],
        [1, SEED + 1],
        [2, SEED + 2],
      ]);
      const greedy = written.filter((r) => r.problemId === p.id && r.mode === 'greedy');
      expect(greedy.map((r) => r.seed)).toEqual([SEED]);
    }
    const correct = written.filter((r) => r.correct).length;
    expect(correct).toBeGreaterThan(0);
    expect(first).toEqual({ written: 12, skipped: 0, correct, problems: 3 });
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12, written: 12, skipped: 0 });
    expect(stats.evalRunsByMode).toEqual(
      new Map([
        ['greedy', 3],
        ['system2', 9],
      ]),
    );
    expect(stats.totals.shardsCompleted).toBe(1);
    // System 2 scores with the PPM: its cost says so, and the probe asked for the PPM.
    expect(written.filter((r) => r.mode === 'system2').every((r) => r.cost.ppmCalls > 0)).toBe(
      true,
    );
    expect(probed).toHaveLength(1);
    expect(probed[0]?.ppm?.model).toBe('toy-ppm');

    const refuse = recording(world.ports, () => {
      throw new Error('a re-run must not search');
    });
    const again = await runEvalShard(data, deps(refuse.provider));
    expect(again).toEqual({ written: 0, skipped: 12, correct, problems: 3 });
    expect(await records()).toHaveLength(12);
    expect(probed).toHaveLength(1); // nothing to run: nothing probed
  });

  it('greedy decodes at temperature 0, and modes without a PPM neither get nor call one', async () => {
    const data = await setup([
      { mode: 'greedy', runs: 1 },
      { mode: 'maj', runs: 2 },
    ]);
    const ports = recording(world.ports);
    const result = await runEvalShard(data, deps(ports.provider));
    expect(result).toMatchObject({ written: 9, problems: 3 });
    expect(ports.rewardCalls()).toBe(0);
    expect(ports.targets.every((t) => t.ppm === null)).toBe(true);
    expect(ports.targets.every((t) => t.evaluation === NAME && t.round === ROUND)).toBe(true);
    // One target per unit: the 3 greedy runs at temperature 0, the 6 maj runs as sampled.
    const temperatures = ports.targets.map((t) => t.sampling.temperature);
    expect(temperatures.filter((t) => t === 0)).toHaveLength(3);
    expect(temperatures.filter((t) => t === TEMPERATURE)).toHaveLength(6);
    const written = await records();
    expect(written.every((r) => r.score === null && r.cost.ppmCalls === 0)).toBe(true);
    expect(probed).toEqual([expect.objectContaining({ ppm: null })]);
  });

  it('grades by equivalence: 0.5 is correct against \\frac{1}{2}, 7 is not', async () => {
    const lines = [
      JSON.stringify({ id: 'half', problem: 'What is 1/2?', answer: '\\frac{1}{2}', source: 't' }),
      JSON.stringify({ id: 'seven', problem: 'What is 3 + 5?', answer: '8', source: 't' }),
    ];
    const data = await setup([{ mode: 'maj', runs: 2 }], lines);
    const answers: Record<string, StepCandidate> = {
      half: scriptedStep.answer('0.5'),
      seven: scriptedStep.answer('7'),
    };
    const ports = recording({
      ...world.ports,
      policy: {
        expand: (request) =>
          Promise.resolve([{ ...(answers[request.problemId] as StepCandidate) }]),
      },
    });
    const result = await runEvalShard(data, deps(ports.provider));
    expect(result).toEqual({ written: 4, skipped: 0, correct: 2, problems: 2 });
    const byProblem = new Map((await records()).map((r) => [r.problemId, r]));
    expect(byProblem.get('half')).toMatchObject({
      answer: '0.5',
      reference: '\\frac{1}{2}',
      correct: true,
    });
    expect(byProblem.get('seven')).toMatchObject({ answer: '7', correct: false });
  });

  it('fails a malformed shard line as poison, naming file:line, before probing or writing', async () => {
    const lines = toyLines();
    lines.splice(1, 0, '{"id": "x", "problem": "no answer", "source": "t"}');
    const data = await setup([{ mode: 'greedy', runs: 1 }], lines);
    const err: unknown = await runEvalShard(data, deps(recording(world.ports).provider)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain(`${evalShardInput(RUN, ROUND, NAME, 0)}:2`);
    expect(isPoisonShardError(err)).toBe(true);
    expect(probed).toHaveLength(0);
  });

  it('refuses mode options that are not what they compile to, naming the manifest and field', async () => {
    const manifest = manifestFor([{ mode: 'maj', runs: 2 }], 3);
    const mode = manifest.modes[0] as EvalManifest['modes'][number];
    mode.options = { ...mode.options, runs: 5 };
    const data = await setup([], toyLines(), manifest);
    const err: unknown = await runEvalShard(data, deps(recording(world.ports).provider)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain(MANIFEST);
    expect((err as InvalidInputError).where.field).toBe('modes.0.options');
    expect(isPoisonShardError(err)).toBe(true);
  });

  it('fails fast, not as poison, when the probe finds a server down; nothing is written', async () => {
    const data = await setup([{ mode: 'system2', runs: 2 }]);
    const ports = recording(world.ports);
    const down = new RstarError('UNAVAILABLE', 'ppm toy-ppm unreachable: ECONNREFUSED');
    const err: unknown = await runEvalShard(
      data,
      deps(ports.provider, { probe: () => Promise.reject(down) }),
    ).catch((e: unknown) => e);
    expect(err).toBe(down);
    expect(isPoisonShardError(err)).toBe(false);
    expect(ports.targets).toHaveLength(0);
    expect(await records()).toHaveLength(0);
  });

  it('stops on cancellation with nothing half-written; a re-run completes without duplicates', async () => {
    const data = await setup([{ mode: 'system2', runs: 4 }]);
    const controller = new AbortController();
    const stats = new RolloutStats();
    const err: unknown = await runEvalShard(
      data,
      deps(recording(world.ports).provider, {
        stats,
        options: compileRolloutOptions({ problemsInFlight: 2, progressIntervalMs: 0 }),
      }),
      {
        signal: controller.signal,
        progress: (p) => {
          if (p.done >= 3) controller.abort(new Error('shutdown'));
        },
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShardCancelledError);
    expect(stats.totals.shardsCancelled).toBe(1);
    // Every line in the log is a whole, valid record (the reader would throw otherwise).
    const partial = await records();
    expect(partial.length).toBeGreaterThanOrEqual(3);
    expect(partial.length).toBeLessThan(12);

    const result = await runEvalShard(data, deps(recording(world.ports).provider));
    expect(result).toMatchObject({ written: 12 - partial.length, skipped: partial.length });
    const keys = (await records()).map(evalRunKey);
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
  });
});
