import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { BENCHMARK_FILES, BENCHMARK_NAMES, SYNTH_HELDOUT } from './benchmark-names';
import { readBenchmark, type BenchmarkStream } from './benchmark-registry';
import type { ProblemRecord } from './record';
import { synthRecord } from './synth/record';
import { tempFile } from './test-helpers';

/** The real evaluation sets in shared/ (repo root is four levels up from this file's folder). */
const DIR = join(__dirname, '../../../../shared/data/benchmarks');
const SYNTH = { seed: 1, count: 40 };

async function drain(
  stream: BenchmarkStream,
): Promise<{ records: ProblemRecord[]; rejects: string[] }> {
  const records: ProblemRecord[] = [];
  const rejects: string[] = [];
  for await (const item of stream) {
    if (item.type === 'record') records.push(item.record);
    else if (item.type === 'reject') rejects.push(item.error.message);
  }
  return { records, rejects };
}

/** Non-blank lines of a file: the row count the benchmark README states, counted here. */
const rowsOf = (path: string): number =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;

describe('benchmark registry', () => {
  it('names the five real sets and the synthetic held-out split', () => {
    expect(BENCHMARK_NAMES).toEqual([
      'aime24',
      'amc23',
      'gaokao2023en',
      'gsm8k',
      'minerva_math',
      'synth-heldout',
    ]);
  });

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => readBenchmark('gsm9k', { dir: DIR, synth: SYNTH })).toThrow(InvalidInputError);
    expect(() => readBenchmark('gsm9k', { dir: DIR, synth: SYNTH })).toThrow(
      /unknown benchmark "gsm9k"; known: aime24, amc23, .*synth-heldout/,
    );
  });

  it.each(BENCHMARK_FILES.map((b) => [b.name, b]))(
    '%s reads every row of its file, each record with a reference answer',
    async (name, b) => {
      const path = join(DIR, b.file);
      const stream = readBenchmark(name, { dir: DIR, synth: SYNTH });
      const { records, rejects } = await drain(stream);
      const rows = rowsOf(path);
      expect(stream.stats).toMatchObject({ file: path, adapter: b.adapter, read: rows });
      expect(stream.stats.accepted + stream.stats.rejected + stream.stats.duplicates).toBe(rows);
      expect(records).toHaveLength(stream.stats.accepted);
      expect(rejects).toHaveLength(stream.stats.rejected);
      for (const r of records) {
        expect(r.answer.trim()).not.toBe('');
        expect(r.id.startsWith(`${name}-`)).toBe(true);
      }
    },
  );

  it('gaokao2023en: its two rows without an answer are refused at file:line, the rest read', async () => {
    const path = join(DIR, 'gaokao2023en-test.jsonl');
    const stream = readBenchmark('gaokao2023en', { dir: DIR, synth: SYNTH });
    const { records, rejects } = await drain(stream);
    expect(rejects).toEqual([
      `${path}:168, field answer: is empty`,
      `${path}:193, field answer: is empty`,
    ]);
    expect(stream.stats).toMatchObject({ read: 385, accepted: 383, rejected: 2 });
    expect(records).toHaveLength(383);
  });

  it('a copied benchmark row without an answer is refused with its line; the others are read', async () => {
    const lines = readFileSync(join(DIR, 'amc23-test.jsonl'), 'utf8').trimEnd().split('\n');
    const broken = JSON.parse(lines[2] ?? '{}') as Record<string, unknown>;
    delete broken.answer;
    lines[2] = JSON.stringify(broken);
    const path = tempFile('amc23-test.jsonl', `${lines.join('\n')}\n`);
    const dir = join(path, '..');
    const stream = readBenchmark('amc23', { dir, synth: SYNTH });
    const { records, rejects } = await drain(stream);
    expect(rejects).toEqual([`${path}:3, field answer: is missing`]);
    expect(stream.stats).toMatchObject({ read: 40, accepted: 39, rejected: 1 });
    expect(records).toHaveLength(39);
  });
});

describe('synth-heldout', () => {
  it('is deterministic by seed and differs between seeds', async () => {
    const a = await drain(readBenchmark(SYNTH_HELDOUT, { dir: DIR, synth: SYNTH }));
    const b = await drain(readBenchmark(SYNTH_HELDOUT, { dir: DIR, synth: SYNTH }));
    const other = await drain(
      readBenchmark(SYNTH_HELDOUT, { dir: DIR, synth: { seed: 2, count: 40 } }),
    );
    expect(a.records).toHaveLength(40);
    expect(b.records).toEqual(a.records);
    expect(other.records.map((r) => r.problem)).not.toEqual(a.records.map((r) => r.problem));
    for (const r of a.records) {
      expect(r.source).toBe('synth-heldout');
      expect(r.answer).toMatch(/^\d+$/);
    }
  });

  it('shares no id and no problem text with the training problems the demo generates', async () => {
    // The demo trains on records 0..problems-1 of the family (writeSynthCorpus); checked here
    // far beyond its default 40 problems, for both sides.
    const training = Array.from({ length: 20_000 }, (_, i) => synthRecord(1, i));
    const stream = readBenchmark(SYNTH_HELDOUT, { dir: DIR, synth: { seed: 1, count: 2_000 } });
    const { records } = await drain(stream);
    expect(stream.stats).toMatchObject({ read: 2_000, accepted: 2_000, rejected: 0 });
    const ids = new Set(training.map((r) => r.id));
    const texts = new Set(training.map((r) => r.problem));
    expect(records.filter((r) => ids.has(r.id))).toEqual([]);
    expect(records.filter((r) => texts.has(r.problem))).toEqual([]);
  });
});
