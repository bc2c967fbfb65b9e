import { InvalidInputError } from '@rstar-fleet/protocol';
import { fromRecord, toRecord } from './record';
import { createMcts } from './search/mcts';
import { createToyWorld } from './testing';

describe('search records', () => {
  it('round-trip through JSON: toRecord(fromRecord(json)) equals the stored record', async () => {
    const world = createToyWorld({ seed: 5, problems: 2, stepSkill: 0.6 });
    for (const qRule of ['terminal', 'ppm'] as const) {
      for (const problem of world.problems) {
        const record = toRecord(
          await createMcts(world.ports, {
            qRule,
            rollouts: 8,
            candidates: 4,
            collapseAnswers: false,
          }).search(problem),
        );
        const json = JSON.parse(JSON.stringify(record)) as unknown;
        const again = toRecord(fromRecord(json));
        expect(again).toEqual(record);
        expect(JSON.stringify(again)).toBe(JSON.stringify(record));
      }
    }
  });

  it('rebuilds a navigable tree', async () => {
    const world = createToyWorld({ seed: 5, problems: 1 });
    const problem = world.problems[0];
    if (problem === undefined) throw new Error('no problem');
    const original = await createMcts(world.ports, {
      rollouts: 4,
      candidates: 3,
      collapseAnswers: false,
    }).search(problem);
    const rebuilt = fromRecord(JSON.parse(JSON.stringify(toRecord(original))));
    expect(rebuilt.tree.size).toBe(original.tree.size);
    const leaf = [...rebuilt.tree.nodes()].find((n) => n.depth >= 2);
    if (leaf === undefined) throw new Error('tree too shallow');
    const originalLeaf = [...original.tree.nodes()].find((n) => n.id === leaf.id);
    expect(originalLeaf).toBeDefined();
    expect(rebuilt.tree.prefixOf(leaf)).toBe(original.tree.prefixOf(originalLeaf!));
  });

  it('omits absent fields to stay compact', async () => {
    const world = createToyWorld({ seed: 5, problems: 1 });
    const record = toRecord(
      await createMcts(world.ports, { rollouts: 2 }).search(world.problems[0]!),
    );
    expect(record.v).toBe(1);
    expect(Object.keys(record.nodes[0]!).sort()).toEqual(
      [
        'depth',
        'id',
        'kind',
        'n',
        'parent',
        'q',
        'text',
        ...(record.nodes[0]!.exhausted ? ['exhausted'] : []),
      ].sort(),
    );
  });

  it('rejects a malformed record with an error naming the field', () => {
    const bad = {
      v: 1,
      problemId: 'p',
      question: 'q',
      reference: '1',
      prompt: 'q',
      search: {
        algorithm: 'mcts',
        qRule: 'terminal',
        candidates: 2,
        maxDepth: 16,
        seed: 0,
        collapseAnswers: false,
      },
      stats: { rollouts: 0 },
      nodes: [],
    };
    expect(() => fromRecord(bad, { source: 'results/shard-3.jsonl', line: 12 })).toThrow(
      InvalidInputError,
    );
    expect(() => fromRecord(bad, { source: 'results/shard-3.jsonl', line: 12 })).toThrow(
      /^results\/shard-3\.jsonl:12, field stats\.expansions: /,
    );
  });
});
