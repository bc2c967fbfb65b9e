import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandHook, parsePlan } from '@rstar-fleet/config';
import {
  LOCAL_SIM_PLAN,
  deployedCheckpoint,
  renderLocalPlan,
  type LocalPlanSettings,
} from './local-plan';
import { demoEvaluateSection } from './demo-evaluate';

const template = readFileSync(LOCAL_SIM_PLAN, 'utf8');
const local: LocalPlanSettings = {
  corpusPath: '/tmp/x/corpus.jsonl',
  storeDir: '/tmp/x/store',
  redisUrl: 'redis://127.0.0.1:6390',
  redisPrefix: '{demo-1}',
  sandboxAddresses: ['127.0.0.1:50999'],
  simUrl: 'http://127.0.0.1:18001',
};

describe('renderLocalPlan', () => {
  it('points examples/local-sim.yaml at a local fleet and keeps its rounds and comments', () => {
    const text = renderLocalPlan(template, local);
    const plan = parsePlan(text, 'rendered.yaml');
    expect(text).toContain('/tmp/x/corpus.jsonl # written by `rstar-fleet corpus synth`');
    expect(text).toContain("prefix: '{demo-1}' # a private queue key prefix");
    expect(text).toContain('  # Round 4: 16 candidates, 2 trees with different seeds;');
    expect(plan.corpus.path).toBe('/tmp/x/corpus.jsonl');
    expect(plan.store).toEqual({ kind: 'dir', dir: '/tmp/x/store' });
    expect(plan.redis).toMatchObject({ url: 'redis://127.0.0.1:6390', prefix: '{demo-1}' });
    expect(plan.sandbox.addresses).toEqual(['127.0.0.1:50999']);
    expect(plan.rounds.map((r) => [r.search.rollouts, r.search.candidates])).toEqual([
      [8, 5],
      [16, 8],
      [16, 8],
      [16, 16],
    ]);
    for (const round of plan.rounds) {
      expect(round.policy.endpoints.map((e) => e.url)).toEqual(['http://127.0.0.1:18001']);
      expect(round.ppm?.endpoints.map((e) => e.url)).toEqual(['http://127.0.0.1:18001']);
      const deploy = round.hooks.deploy;
      if (deploy?.kind !== 'command') throw new Error('expected a command deploy hook');
      expect(expandHook(deploy, { out: '/o' })).toEqual([
        'rstar-fleet',
        'model-sim',
        'load',
        '--checkpoint',
        '/o/checkpoint.json',
        '--url',
        'http://127.0.0.1:18001',
      ]);
    }
  });

  it('sets seed, shard size, name, a cut of the rounds and smaller budgets', () => {
    const text = renderLocalPlan(template, {
      ...local,
      name: 'fleet-test',
      seed: 7,
      shardSize: 5,
      rounds: 4,
      budgets: [
        { rollouts: 2, candidates: 2 },
        undefined,
        { rollouts: 3 },
        { rollouts: 2, candidates: 3, trees: 2, escalation: [4] },
      ],
    });
    const plan = parsePlan(text, 'rendered.yaml');
    expect(plan.name).toBe('fleet-test');
    expect(plan.rounds.map((r) => r.shardSize)).toEqual([5, 5, 5, 5]);
    expect(plan.rounds.map((r) => r.search.seed)).toEqual([7, 7, 7, 7]);
    expect(
      plan.rounds.map((r) => [r.search.rollouts, r.search.candidates, r.search.trees]),
    ).toEqual([
      [2, 2, 1],
      [16, 8, 1],
      [3, 8, 1],
      [2, 3, 2],
    ]);
    expect(plan.rounds[3]?.search.escalation).toEqual([4]);
    // Round 1 keeps its own train hook (no {prev_out}).
    const train = plan.rounds[0]?.hooks.train;
    expect(train?.kind === 'command' && train.argv.join(' ')).not.toContain('prev_out');

    const two = parsePlan(renderLocalPlan(template, { ...local, rounds: 2 }), 'two.yaml');
    expect(two.rounds).toHaveLength(2);
  });

  it('puts a proxy in front of the policy only, when asked', () => {
    const plan = parsePlan(
      renderLocalPlan(template, { ...local, policyUrl: 'http://127.0.0.1:18002' }),
      'proxied.yaml',
    );
    expect(plan.rounds[0]?.policy.endpoints.map((e) => e.url)).toEqual(['http://127.0.0.1:18002']);
    expect(plan.rounds[0]?.ppm?.endpoints.map((e) => e.url)).toEqual(['http://127.0.0.1:18001']);
  });

  it("adds the demo's evaluate: (held-out, greedy and System 2, small budgets) and none without it", () => {
    expect(parsePlan(renderLocalPlan(template, local), 'plain.yaml').evaluate).toBeNull();
    const text = renderLocalPlan(template, { ...local, evaluate: demoEvaluateSection() });
    expect(text).toContain("# each round's deployed models, evaluated on held-out problems");
    const evaluate = parsePlan(text, 'eval.yaml').evaluate;
    expect(evaluate?.benchmarks).toEqual([{ kind: 'named', name: 'synth-heldout' }]);
    expect(evaluate?.baseline).toBe(true);
    expect(evaluate?.modes.map((m) => [m.mode, m.options.runs])).toEqual([
      ['greedy', 1],
      ['system2', 2],
    ]);
  });

  it('fails loudly when the example lost an anchor', () => {
    expect(() => renderLocalPlan(template.replace(/^ {2}addresses: .*$/m, ''), local)).toThrow(
      /sandbox addresses/,
    );
  });
});

describe('deployedCheckpoint', () => {
  it('names the checkpoint of the last round deployed or deploying, null before any', () => {
    const runDir = mkdtempSync(join(tmpdir(), 'rstar-deployed-'));
    try {
      expect(deployedCheckpoint(runDir)).toBeNull();
      const round = (n: number, status: string, deploy: string | null) => ({
        round: n,
        status,
        hooks: { train: null, deploy: deploy === null ? null : { status: deploy } },
      });
      const write = (rounds: unknown[]): void =>
        writeFileSync(join(runDir, 'run.json'), JSON.stringify({ rounds }));
      for (const r of [1, 2]) {
        mkdirSync(join(runDir, `round-${r}`));
        writeFileSync(join(runDir, `round-${r}`, 'checkpoint.json'), '{}');
      }
      write([round(1, 'searching', null), round(2, 'pending', null)]);
      expect(deployedCheckpoint(runDir)).toBeNull();
      write([round(1, 'done', 'succeeded'), round(2, 'training', null), round(3, 'pending', null)]);
      expect(deployedCheckpoint(runDir)).toBe(join(runDir, 'round-1', 'checkpoint.json'));
      // The deploy hook of round 2 runs: the simulator it restarts must serve round 2's.
      write([
        round(1, 'done', 'succeeded'),
        round(2, 'deploying', null),
        round(3, 'pending', null),
      ]);
      expect(deployedCheckpoint(runDir)).toBe(join(runDir, 'round-2', 'checkpoint.json'));
      write([
        round(1, 'done', 'succeeded'),
        round(2, 'done', 'succeeded'),
        round(3, 'searching', null),
      ]);
      expect(deployedCheckpoint(runDir)).toBe(join(runDir, 'round-2', 'checkpoint.json'));
      // A round deploying without a checkpoint written (not this plan's hooks) is not one.
      write([
        round(1, 'done', 'succeeded'),
        round(2, 'done', 'succeeded'),
        round(3, 'deploying', null),
      ]);
      expect(deployedCheckpoint(runDir)).toBe(join(runDir, 'round-2', 'checkpoint.json'));
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
