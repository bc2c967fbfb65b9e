import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, evalRunKey, type EvalRunRecord } from '@rstar-fleet/protocol';
import { openEvalShardResults, readEvalShardResults } from './eval-results';
import { FileSystemStore } from './fs-store';
import { evalShardResults } from './layout';
import { useTempDir } from './testing/temp-dir';

const run = (problemId: string, seed: number, correct: boolean): EvalRunRecord => ({
  v: 1,
  benchmark: 'synth-heldout',
  mode: 'system2',
  problemId,
  reference: '\\frac{1}{2}',
  run: seed - 100,
  seed,
  answer: correct ? '0.5' : '3',
  score: 0.8,
  nodeId: '0.0.1',
  correct,
  cost: {
    policyCalls: 3,
    candidates: 12,
    executions: 6,
    ppmCalls: 3,
    ppmScored: 12,
    promptTokens: 900,
    completionTokens: 300,
  },
  wallMs: 12,
  gpuSeconds: null,
});

describe('eval shard results (the exactly-once result log, for eval run records)', () => {
  const dir = useTempDir();

  it('writes each run key once across re-opens and reads the records back', async () => {
    const store = new FileSystemStore(dir());
    const log = await openEvalShardResults(store, 'r1', 0, 'base', 2);
    expect(await log.append(run('p1', 100, true))).toBe('written');
    expect(await log.append(run('p1', 101, false))).toBe('written');
    expect(await log.append(run('p1', 100, false))).toBe('skipped');
    await log.close();

    const again = await openEvalShardResults(store, 'r1', 0, 'base', 2);
    expect(again.size).toBe(2);
    expect(again.has(evalRunKey(run('p1', 101, false)))).toBe(true);
    expect(await again.append(run('p1', 101, true))).toBe('skipped');
    expect(await again.append(run('p2', 100, true))).toBe('written');
    await again.close();

    const records: EvalRunRecord[] = [];
    for await (const r of readEvalShardResults(store, 'r1', 0, 'base', 2)) records.push(r);
    expect(records).toEqual([run('p1', 100, true), run('p1', 101, false), run('p2', 100, true)]);
  });

  it('names file:line of a damaged record', async () => {
    const store = new FileSystemStore(dir());
    const log = await openEvalShardResults(store, 'r1', 1, 'base', 0);
    await log.append(run('p1', 100, true));
    await log.close();
    const key = evalShardResults('r1', 1, 'base', 0);
    await appendFile(join(dir(), key), '{"v": 1, "mode": "greedy"}\n');
    const read = async (): Promise<void> => {
      for await (const _ of readEvalShardResults(store, 'r1', 1, 'base', 0)) void _;
    };
    await expect(read()).rejects.toThrow(InvalidInputError);
    await expect(read()).rejects.toThrow(`${key}:2`);
  });
});
