import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan } from '@rstar-fleet/config';
import type { ProblemRecord } from '@rstar-fleet/corpus';
import { createExtractor, createMcts, toRecord } from '@rstar-fleet/mcts';
import { createToyWorld } from '@rstar-fleet/mcts/testing';
import { searchUnitSeed, type RoundManifest, type SearchRecord } from '@rstar-fleet/protocol';
import { FileSystemStore, openShardResults, roundFile, shardInput } from '@rstar-fleet/store';
import { extractRound } from './extract-round';
import { toJsonl } from './ingest';
import { buildRoundManifest, writeManifest } from './manifest';
import type { RoundStats } from './stats';

/**
 * Extraction over a two-phase round searched by the mcts package's toy world: datasets and
 * stats must agree with the results files, and a second extraction must give the same files.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rstar-extract-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('extractRound', () => {
  it('writes datasets and stats consistent with every record of every phase', async () => {
    const store = new FileSystemStore(dir);
    // No Redis here: failures are passed in, so the shard queue is never asked.
    const ctx = { store, shards: { getJob: () => Promise.resolve(undefined) } } as never;
    const world = createToyWorld({ seed: 3, problems: 6 });
    const problems: ProblemRecord[] = world.problems.map((p, i) => ({
      id: p.id,
      problem: p.question,
      answer: p.reference,
      source: i < 3 ? 'toy/a' : 'toy/b',
      ...(i % 2 === 0 ? { meta: { difficulty: 'easy' } } : {}),
    }));
    const plan = parsePlan(
      `corpus: { path: c.jsonl }\ndefaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: m }, rollouts: 1, candidates: 2, maxDepth: 2, escalation: [4] }\nrounds: 1\n`,
    );
    const base = buildRoundManifest({
      plan,
      run: 'ex',
      round: 1,
      previousHooks: [],
      phase0: { shards: 2, problems: 6 },
    });
    const records: SearchRecord[] = [];
    const search = async (shard: number, phase: number, rollouts: number, ps: ProblemRecord[]) => {
      await store.write(shardInput('ex', 1, shard), toJsonl(ps));
      const log = await openShardResults(store, 'ex', 1, shard);
      for (const p of ps) {
        const engine = createMcts(world.ports, {
          rollouts,
          candidates: 2,
          maxDepth: 2,
          seed: searchUnitSeed(0, phase, 0),
          yieldEvery: 0,
        });
        const record = toRecord(
          await engine.search({ id: p.id, question: p.problem, reference: p.answer }),
        );
        records.push(record);
        await log.append(record);
      }
      await log.close();
    };
    await search(0, 0, 1, problems.slice(0, 3));
    await search(1, 0, 1, problems.slice(3));
    const unsolved0 = problems.filter(
      (p) => !records.some((r) => r.problemId === p.id && r.stats.solved),
    );
    expect(unsolved0.length).toBeGreaterThan(0);
    await search(2, 1, 4, unsolved0);
    const manifest: RoundManifest = {
      ...base,
      phases: [
        ...base.phases,
        { phase: 1, rollouts: 4, trees: 1, firstShard: 2, shards: 1, problems: unsolved0.length },
      ],
    };
    await writeManifest(store, manifest);

    const failures = [{ shard: 1, phase: 0, reason: 'example' }];
    const stats = await extractRound(ctx, 'ex', 1, { failures, startedAt: null });
    const extractor = createExtractor();
    const solved = new Set(records.filter((r) => r.stats.solved).map((r) => r.problemId));
    expect(stats).toMatchObject({
      problems: 6,
      solved: solved.size,
      missing: 0,
      records: 6 + unsolved0.length,
      unsolved: 6 - solved.size,
      sftRows: records.reduce((n, r) => n + extractor.extract(r).sft.length, 0),
      pairs: records.reduce((n, r) => n + extractor.extract(r).pairs.length, 0),
      rollouts: records.reduce((n, r) => n + r.stats.rollouts, 0),
      sandboxExecutions: records.reduce((n, r) => n + r.stats.executions, 0),
      failedShards: failures,
      wallTimeSeconds: null,
    });
    expect(stats.phases.map((p) => [p.phase, p.records])).toEqual([
      [0, 6],
      [1, unsolved0.length],
    ]);
    expect(stats.phases[0]!.solvedAfter).toBe(6 - unsolved0.length);
    expect(stats.bySource['toy/a']!.problems + stats.bySource['toy/b']!.problems).toBe(6);
    expect(stats.byDifficulty.easy!.problems).toBe(3);
    expect(stats.byDifficulty.unknown!.problems).toBe(3);

    const read = async (file: 'sft.jsonl' | 'ppm_pairs.jsonl' | 'unsolved.jsonl' | 'stats.json') =>
      (await store.read(roundFile('ex', 1, file))).toString();
    const lines = (text: string) => text.split('\n').filter(Boolean);
    expect(lines(await read('sft.jsonl'))).toHaveLength(stats.sftRows);
    expect(lines(await read('ppm_pairs.jsonl'))).toHaveLength(stats.pairs);
    const unsolved = lines(await read('unsolved.jsonl')).map(
      (l) => (JSON.parse(l) as ProblemRecord).id,
    );
    expect(unsolved.sort()).toEqual(
      problems
        .filter((p) => !solved.has(p.id))
        .map((p) => p.id)
        .sort(),
    );
    expect((JSON.parse(await read('stats.json')) as RoundStats).solved).toBe(stats.solved);

    // Idempotent: a second extraction writes the same datasets.
    const sft = await read('sft.jsonl');
    const again = await extractRound(ctx, 'ex', 1, { failures, startedAt: null });
    expect(await read('sft.jsonl')).toBe(sft);
    expect({ ...again, extractedAt: '' }).toEqual({ ...stats, extractedAt: '' });
  });

  it('writes the same datasets whatever order the shard results were appended in', async () => {
    // A results log is in completion order, which timing decides; the datasets must not be.
    const world = createToyWorld({ seed: 3, problems: 6 });
    const problems: ProblemRecord[] = world.problems.map((p) => ({
      id: p.id,
      problem: p.question,
      answer: p.reference,
      source: 'toy',
    }));
    const plan = parsePlan(
      `corpus: { path: c.jsonl }\ndefaults: { policy: { endpoints: ['http://127.0.0.1:9'], model: m }, rollouts: 8, candidates: 3, maxDepth: 4 }\nrounds: 1\n`,
    );
    const records: SearchRecord[] = [];
    for (const p of problems) {
      const engine = createMcts(world.ports, {
        rollouts: 8,
        candidates: 3,
        maxDepth: 4,
        seed: searchUnitSeed(0, 0, 0),
        yieldEvery: 0,
      });
      records.push(
        toRecord(await engine.search({ id: p.id, question: p.problem, reference: p.answer })),
      );
    }
    const extractIn = async (sub: string, order: readonly SearchRecord[]): Promise<string[]> => {
      const store = new FileSystemStore(join(dir, sub));
      const ctx = { store, shards: { getJob: () => Promise.resolve(undefined) } } as never;
      await store.write(shardInput('ord', 1, 0), toJsonl(problems));
      const log = await openShardResults(store, 'ord', 1, 0);
      for (const record of order) await log.append(record);
      await log.close();
      await writeManifest(
        store,
        buildRoundManifest({
          plan,
          run: 'ord',
          round: 1,
          previousHooks: [],
          phase0: { shards: 1, problems: problems.length },
        }),
      );
      await extractRound(ctx, 'ord', 1, { failures: [], startedAt: null });
      return Promise.all(
        (['sft.jsonl', 'ppm_pairs.jsonl'] as const).map(async (name) =>
          (await store.read(roundFile('ord', 1, name))).toString('utf8'),
        ),
      );
    };
    const inOrder = await extractIn('a', records);
    const reversed = await extractIn('b', [...records].reverse());
    // Something to compare: rows of more than one problem.
    const rows = inOrder.flatMap((text) => text.trim().split('\n').filter(Boolean));
    const ids = new Set(rows.map((line) => line.match(/"problem_id":"([^"]+)"/)?.[1]));
    expect(ids.size).toBeGreaterThan(1);
    expect(reversed).toEqual(inOrder);
  });
});
