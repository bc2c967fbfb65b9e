import { parsePlan, type EvaluatePlan } from '@rstar-fleet/config';
import { compileTestTimeOptions, type CompiledTestTimeOptions } from '@rstar-fleet/mcts';
import { EvalManifestSchema, InvalidInputError } from '@rstar-fleet/protocol';
import { FileSystemStore } from '@rstar-fleet/store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildEvalManifest,
  evalManifestDiff,
  readEvalManifest,
  writeEvalManifest,
  type EvalManifestInput,
} from './eval-manifest';
import { RUN_STATE_VERSION, type HookOutcome, type RunState } from './run-state';
import { UndeployedRoundError } from './undeployed-round-error';

const planText = (evaluate: string) =>
  [
    'corpus: { path: c.jsonl }',
    "sandbox: { addresses: ['10.0.0.1:50051'] }",
    'defaults:',
    "  policy: { endpoints: ['http://pol:8000'], model: p0 }",
    "  ppm: { endpoints: ['http://ppm:8001'], model: q0 }",
    'rounds: 3',
    `evaluate: ${evaluate}`,
    '',
  ].join('\n');
const plan = parsePlan(planText('{ benchmarks: [synth-heldout] }'));

/** The plan's `evaluate:` compiled from YAML (the eval command compiles its flags the same way). */
function settings(evaluate: string): EvaluatePlan {
  const compiled = parsePlan(planText(evaluate)).evaluate;
  if (compiled === null) throw new Error('no evaluate');
  return compiled;
}
const defaults = settings('{ benchmarks: [synth-heldout] }');

function deployed(model: string, ppm: string): HookOutcome {
  return {
    kind: 'command',
    status: 'succeeded',
    startedAt: 't',
    finishedAt: 't',
    durationMs: 1,
    target: [],
    exitCode: 0,
    result: { policy: { model }, ppm: { model: ppm } },
    stderrTail: '',
    error: null,
  };
}

/** A run whose round 1 deployed p1/q1 and whose round 2 is still searching. */
const state: RunState = {
  v: RUN_STATE_VERSION,
  run: 'r',
  planName: 'p',
  planHash: 'h',
  status: 'running',
  createdAt: 't',
  updatedAt: 't',
  finishedAt: null,
  error: null,
  ingest: null,
  rounds: [1, 2, 3].map((round) => ({
    round,
    status: round === 1 ? 'done' : round === 2 ? 'searching' : 'pending',
    manifest: null,
    phases: [],
    hooks: { train: null, deploy: round === 1 ? deployed('p1', 'q1') : null },
    failedShards: [],
    startedAt: null,
    finishedAt: null,
    summary: null,
  })),
};

const benchmarks = [
  { name: 'synth-heldout', source: 'synth-heldout(seed 1)', problems: 10, skipped: 0 },
  { name: 'gsm8k', source: '/data/gsm8k-test.jsonl', problems: 5, skipped: 2 },
];

const build = (over: Partial<EvalManifestInput> = {}) =>
  buildEvalManifest({
    plan,
    run: 'r',
    state,
    request: { settings: defaults },
    benchmarks,
    ...over,
  });

describe('buildEvalManifest', () => {
  it('evaluates the newest deployed models by default', () => {
    const m = build({
      request: { settings: settings('{ benchmarks: [synth-heldout], runs: 4, shardSize: 4 }') },
    });
    expect(m.round).toBe(1);
    expect(m.name).toBe('eval');
    expect(m.policy.model).toBe('p1');
    expect(m.ppm?.model).toBe('q1');
    expect(m.sandbox.addresses).toEqual(['10.0.0.1:50051']);
    // rStar's eval samples at temperature 1 (greedy decodes at 0 on the worker).
    expect(m.sampling.temperature).toBe(1);
    expect(m.modes.map((x) => [x.mode, x.runs])).toEqual([
      ['greedy', 1],
      ['system2', 4],
    ]);
    // rStar's eval settings, spelled out.
    const system2 = m.modes[1]?.options as { mcts: { candidates: number; rollouts: number } };
    expect(system2.mcts).toMatchObject({ candidates: 32, rollouts: 12 });
    expect(m.benchmarks).toEqual([
      { ...benchmarks[0], firstShard: 0, shards: 3 },
      { ...benchmarks[1], firstShard: 3, shards: 2 },
    ]);
    expect(m.shards).toEqual({ size: 4, maxFailedShare: 0 });
    expect(EvalManifestSchema.parse(m)).toEqual(m);
  });

  it('stores options the worker compiles back unchanged, with the manifest seed', () => {
    const m = build({
      request: {
        settings: settings(
          '{ benchmarks: [gsm8k], seed: 11, runs: 3, testTime: { mcts: { rollouts: 2 } } }',
        ),
      },
    });
    expect(m.seed).toBe(11);
    for (const mode of m.modes) {
      // Through JSON, as the worker reads eval.json.
      const stored = JSON.parse(JSON.stringify(mode.options)) as CompiledTestTimeOptions;
      const compiled = compileTestTimeOptions(stored);
      expect(compiled).toEqual(stored);
      expect(compiled.seed).toBe(11);
      expect(compiled.runs).toBe(mode.runs);
      expect(compiled.mcts.rollouts).toBe(2);
    }
  });

  it("samples at evaluate:'s temperature, the rest of sampling being the round's", () => {
    const m = build({
      request: { settings: settings('{ benchmarks: [gsm8k], sampling: { temperature: 0.6 } }') },
    });
    expect(m.sampling).toEqual({ ...build().sampling, temperature: 0.6 });
  });

  it("round 0 is the plan's starting models; a named round must have deployed", () => {
    const greedy = settings('{ benchmarks: [gsm8k], modes: [greedy], maxFailedShardShare: 0.5 }');
    const m0 = build({ request: { round: 0, settings: greedy } });
    expect(m0.round).toBe(0);
    expect(m0.policy.model).toBe('p0');
    // No mode scores with the PPM: the manifest names none.
    expect(m0.ppm).toBeNull();
    expect(m0.shards.maxFailedShare).toBe(0.5);
    const round = (r: number) => ({ round: r, settings: defaults });
    expect(() => build({ request: round(2) })).toThrow(UndeployedRoundError);
    expect(() => build({ request: round(2) })).toThrow(/round 2 has deployed no models/);
    expect(() => build({ state: null, request: round(1) })).toThrow(/no such run/);
  });

  it('evaluates models given by URL under round 0, named apart', () => {
    const m = build({
      request: {
        models: {
          policy: { model: 'x', dialect: 'vllm', endpoints: [{ url: 'http://x:1', name: 'x' }] },
          ppm: null,
        },
        settings: settings('{ benchmarks: [gsm8k], modes: [greedy, maj] }'),
      },
    });
    expect(m).toMatchObject({ round: 0, name: 'custom', policy: { model: 'x' }, ppm: null });
  });

  it('refuses a PPM mode without a PPM, and nothing to evaluate', () => {
    const noPpm = parsePlan(
      "corpus: { path: c.jsonl }\ndefaults: { policy: { endpoints: ['http://a:1'], model: m } }\nrounds: 1\n",
    );
    expect(() =>
      build({ plan: noPpm, state: null, request: { round: 0, settings: defaults } }),
    ).toThrow(expect.objectContaining({ where: { field: 'ppm' } }) as Error);
    expect(() => build({ benchmarks: [] })).toThrow(InvalidInputError);
    expect(() =>
      build({ benchmarks: [{ name: 'x', source: 'x', problems: 0, skipped: 3 }] }),
    ).toThrow(/no problem/);
  });
});

describe('evalManifestDiff and the store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rstar-evalm-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names what differs between two evaluations of the same name', async () => {
    const store = new FileSystemStore(dir);
    const a = build();
    await writeEvalManifest(store, a);
    const stored = await readEvalManifest(store, 'r', 1, 'eval');
    expect(stored).toEqual(a);
    expect(evalManifestDiff(a, build())).toEqual([]);
    const other = settings('{ benchmarks: [synth-heldout], seed: 3, runs: 8 }');
    expect(evalManifestDiff(a, build({ request: { settings: other } }))).toEqual(
      expect.arrayContaining(['seed', 'modes.1.runs', 'modes.1.options.runs']),
    );
  });
});
