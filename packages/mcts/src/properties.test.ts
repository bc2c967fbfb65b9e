import fc from 'fast-check';
import { parseSearchRecord, type SearchRecord, type SearchRecordNode } from '@rstar-fleet/protocol';
import { createExtractor } from './extract';
import type { PairRow } from './extract';
import { fromRecord, toRecord } from './record';
import { createBeamSearch } from './search/beam';
import { createMcts } from './search/mcts';
import type { SearchPorts } from './ports';
import { checkRecordInvariants, createToyWorld } from './testing';
import { createToyRng } from './testing/toy-rng';
import { qValue } from './tree/node';
import { createStats } from './search/stats';

/** Random event-loop turns before each port answer, so concurrent rollouts interleave. */
function withJitter(ports: SearchPorts, seed: number): SearchPorts {
  const rng = createToyRng(seed);
  const turns = async (): Promise<void> => {
    for (let i = rng.int(0, 3); i > 0; i--) await new Promise<void>((r) => setImmediate(r));
  };
  const reward = ports.reward;
  return {
    policy: { expand: async (r) => (await turns(), ports.policy.expand(r)) },
    executor: { execute: async (p, s) => (await turns(), ports.executor.execute(p, s)) },
    grader: ports.grader,
    ...(reward === undefined
      ? {}
      : { reward: { score: async (p, s) => (await turns(), reward.score(p, s)) } }),
  };
}

function checkPairs(record: SearchRecord, pairs: readonly PairRow[], minMargin: number): void {
  const nodes = new Map(record.nodes.map((n) => [n.id, n]));
  const below = (id: string, correct: boolean): boolean =>
    record.nodes.some((n) => n.correct === correct && (n.id === id || n.id.startsWith(`${id}.`)));
  for (const pair of pairs) {
    expect(pair.chosen_q).toBeGreaterThan(pair.rejected_q);
    expect(pair.margin).toBeGreaterThanOrEqual(minMargin);
    expect(pair.chosen_id).not.toBe(pair.rejected_id);
    if (pair.kind === 'step') {
      expect(below(pair.chosen_id, true)).toBe(true);
      expect(below(pair.rejected_id, false)).toBe(true);
      expect(pair.chosen_q).toBe(qValue(nodes.get(pair.chosen_id)!));
    } else {
      expect(nodes.get(pair.chosen_id)?.correct).toBe(true);
      expect(nodes.get(pair.rejected_id)?.correct).toBe(false);
    }
  }
  // rStar's weights: every pair of a node's group carries the same side sizes, and the group's
  // pairs (at most pos × neg of them) weigh at most 1 in total.
  const groups = new Map<string, PairRow[]>();
  for (const pair of pairs) {
    const key = `${pair.kind}/${pair.node_id}`;
    groups.set(key, [...(groups.get(key) ?? []), pair]);
  }
  for (const group of groups.values()) {
    const { pos_count: pos, neg_count: neg } = group[0]!;
    expect(Number.isInteger(pos) && pos >= 1 && Number.isInteger(neg) && neg >= 1).toBe(true);
    expect(group.every((p) => p.pos_count === pos && p.neg_count === neg)).toBe(true);
    expect(group.length).toBeLessThanOrEqual(pos * neg);
  }
}

describe('properties of random searches (toy world)', () => {
  it('keep Q in [−1, 1], N consistent with back-propagation, pairs ordered, trees consistent under concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 0, max: 1_000_000 }),
          stepSkill: fc.double({ min: 0, max: 1, noNaN: true }),
          maxSteps: fc.integer({ min: 1, max: 6 }),
          qRule: fc.constantFrom('terminal' as const, 'ppm' as const),
          unvisited: fc.constantFrom('zero' as const, 'infinite' as const),
          concurrency: fc.integer({ min: 1, max: 8 }),
          candidates: fc.integer({ min: 1, max: 6 }),
          rollouts: fc.integer({ min: 1, max: 16 }),
          maxDepth: fc.integer({ min: 1, max: 10 }),
          collapseAnswers: fc.boolean(),
          beam: fc.boolean(),
          beamWidth: fc.integer({ min: 1, max: 4 }),
          testTime: fc.boolean(),
          minMargin: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        async (p) => {
          const world = createToyWorld({
            seed: p.seed,
            problems: 1,
            maxSteps: p.maxSteps,
            stepSkill: p.stepSkill,
          });
          const problem = world.problems[0]!;
          const ports = p.concurrency > 1 ? withJitter(world.ports, p.seed) : world.ports;
          const common = {
            qRule: p.qRule,
            candidates: p.candidates,
            maxDepth: p.maxDepth,
            seed: p.seed,
            collapseAnswers: p.collapseAnswers,
          };
          const target = p.testTime ? { id: problem.id, question: problem.question } : problem;
          const result = p.beam
            ? await createBeamSearch(ports, { ...common, beamWidth: p.beamWidth }).search(target)
            : await createMcts(ports, {
                ...common,
                rollouts: p.rollouts,
                unvisited: p.unvisited,
                concurrency: p.concurrency,
              }).search(target);

          const record = toRecord(result);
          expect(checkRecordInvariants(record)).toEqual([]);
          expect([...result.tree.nodes()].every((n) => n.virtualLoss === 0)).toBe(true);
          expect(toRecord(fromRecord(JSON.parse(JSON.stringify(record))))).toEqual(record);

          const data = createExtractor({ minMargin: p.minMargin }).extract(record);
          checkPairs(record, data.pairs, p.minMargin);
          for (const row of data.sft)
            expect(record.nodes.find((n) => n.id === row.leaf_id)?.correct).toBe(true);
          expect(data.stats.solved).toBe(record.stats.solved);
        },
      ),
      { numRuns: 120, seed: 20250101 },
    );
  });
});

type Outcome = 'code' | 'correct' | 'wrong' | 'failed';

const arbitraryRecord = fc
  .array(
    fc.record({
      pick: fc.nat(),
      outcome: fc.constantFrom<Outcome>('code', 'code', 'correct', 'wrong', 'failed'),
      Q: fc.double({ min: -1, max: 1, noNaN: true }),
      n: fc.integer({ min: 0, max: 12 }),
      text: fc.string({ maxLength: 40 }),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((specs): SearchRecord => {
    const root: SearchRecordNode = {
      id: '0',
      parent: null,
      depth: 0,
      text: '',
      kind: 'root',
      q: 0,
      n: 0,
    };
    const nodes: SearchRecordNode[] = [root];
    const open: SearchRecordNode[] = [root];
    const childCount = new Map<string, number>();
    for (const s of specs) {
      const parent = open[s.pick % open.length]!;
      const index = childCount.get(parent.id) ?? 0;
      childCount.set(parent.id, index + 1);
      const base = {
        id: `${parent.id}.${index}`,
        parent: parent.id,
        depth: parent.depth + 1,
        text: s.text,
      };
      let node: SearchRecordNode;
      if (s.outcome === 'code') node = { ...base, kind: 'code', q: s.Q * s.n, n: s.n };
      else if (s.outcome === 'failed')
        node = { ...base, kind: 'code', terminal: 'code-error', q: -1, n: 1 };
      else {
        const correct = s.outcome === 'correct';
        node = {
          ...base,
          kind: 'answer',
          terminal: 'answer',
          answer: '1',
          correct,
          q: correct ? 1 : -1,
          n: 1,
        };
      }
      nodes.push(node);
      if (node.terminal === undefined) open.push(node);
    }
    // Creation order lists parents first, which is all the schema asks of node order.
    return parseSearchRecord({
      v: 1,
      problemId: 'random',
      question: 'q',
      reference: '1',
      prompt: 'P:',
      search: {
        algorithm: 'mcts',
        qRule: 'terminal',
        candidates: 4,
        maxDepth: 64,
        seed: 0,
        collapseAnswers: false,
      },
      stats: createStats(),
      nodes,
    });
  });

describe('properties of extraction on arbitrary stored trees', () => {
  it('every pair has chosen Q > rejected Q and the right outcomes; SFT rows are the best correct trajectories', () => {
    fc.assert(
      fc.property(
        arbitraryRecord,
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (record, minMargin, minEditDistance, sftPerProblem) => {
          const data = createExtractor({ minMargin, minEditDistance, sftPerProblem }).extract(
            record,
          );
          checkPairs(record, data.pairs, minMargin);
          const correctLeaves = record.nodes.filter((n) => n.correct === true).length;
          expect(data.sft.length).toBe(Math.min(sftPerProblem, correctLeaves));
          for (let i = 1; i < data.sft.length; i++) {
            const [a, b] = [data.sft[i - 1]!, data.sft[i]!];
            expect(a.mean_q > b.mean_q || (a.mean_q === b.mean_q && a.min_q >= b.min_q)).toBe(true);
          }
          for (const pair of data.pairs) {
            if (pair.kind === 'step') expect(pair.prompt.startsWith(record.prompt)).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
