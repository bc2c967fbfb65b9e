import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { collect } from './test-helpers';

/** The real evaluation sets in shared/ (repo root is four levels up from this file's folder). */
const BENCHMARKS = join(__dirname, '../../../../shared/data/benchmarks');
const file = (name: string): string => join(BENCHMARKS, name);

describe('real benchmark files (shared/data/benchmarks)', () => {
  it('are present (these tests fail rather than skip without them)', () => {
    expect(existsSync(file('README.md'))).toBe(true);
  });

  it('GSM8K: question, answer after ####, thousands separators removed', async () => {
    const { records, rejects, duplicates, stats } = await collect(file('gsm8k-test.jsonl'));
    expect(stats).toMatchObject({ adapter: 'gsm8k', read: 1319, accepted: 1319, rejected: 0 });
    expect(rejects).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(records[0]).toEqual({
      id: expect.stringMatching(/^gsm8k-test-h[0-9a-f]{16}$/),
      problem: expect.stringMatching(/^Janet’s ducks lay 16 eggs per day\./),
      answer: '18',
      source: 'gsm8k-test',
    });
    for (const r of records) expect(r.answer).toMatch(/^-?\d+(\.\d+)?$/);
    expect(records.map((r) => r.answer)).toContain('114200');
    expect(new Set(records.map((r) => r.id)).size).toBe(1319);
  });

  it('AIME 2024: its own ids and string answers', async () => {
    const { records, stats } = await collect(file('aime24-test.jsonl'));
    expect(stats).toMatchObject({
      adapter: 'plain',
      read: 30,
      accepted: 30,
      rejected: 0,
      duplicates: 0,
    });
    expect(records[0]).toMatchObject({
      id: 'aime24-test-60',
      answer: '204',
      source: 'aime24-test',
    });
    expect(records[0]?.problem).toMatch(/^Every morning Aya goes for a \$9\$-kilometer-long walk/);
    expect(records[0]?.meta?.url).toMatch(/^https:\/\/artofproblemsolving\.com/);
  });

  it('AMC 2023: numeric answers become strings', async () => {
    const { records, stats } = await collect(file('amc23-test.jsonl'));
    expect(stats).toMatchObject({
      adapter: 'plain',
      read: 40,
      accepted: 40,
      rejected: 0,
      duplicates: 0,
    });
    expect(records[0]).toMatchObject({ id: 'amc23-test-0', answer: '27' });
    for (const r of records) expect(r.answer).toMatch(/^-?\d+(\.\d+)?$/);
  });

  it('Minerva math: the boxed answer of the solution, idx as the id', async () => {
    const { records, stats } = await collect(file('minerva_math-test.jsonl'));
    expect(stats).toMatchObject({
      adapter: 'math',
      read: 272,
      accepted: 272,
      rejected: 0,
      duplicates: 0,
    });
    expect(records[0]).toMatchObject({
      id: 'minerva_math-test-0',
      answer: '1.6',
      meta: { type: 'Introduction to Astronomy (8.282J Spring 2006)' },
    });
    for (const r of records) expect(r.answer).not.toMatch(/\\boxed/);
  });

  it('Gaokao 2023 EN: question and LaTeX answer, ids where the row has one, 2 empty answers', async () => {
    const path = file('gaokao2023en-test.jsonl');
    const { records, rejects, stats } = await collect(path);
    expect(stats).toMatchObject({
      adapter: 'qa',
      read: 385,
      accepted: 383,
      rejected: 2,
      duplicates: 0,
    });
    expect(stats.rejectedByReason['empty-field']).toBe(2);
    // Two HMMT rows of the published file really have "answer": "".
    expect(rejects).toEqual([
      `${path}:168, field answer: is empty`,
      `${path}:193, field answer: is empty`,
    ]);
    expect(records[0]).toMatchObject({
      id: expect.stringMatching(/^gaokao2023en-test-h[0-9a-f]{16}$/),
      answer: '\\{x|-2\\leq x < 1\\}',
      meta: { source: '2023BJ_2023年新高考北京卷-数学/01Q.en' },
    });
    expect(records.find((r) => r.id === 'gaokao2023en-test-PurpleMeet2023_1')?.answer).toBe('210');
    expect(records.filter((r) => /-h[0-9a-f]{16}$/.test(r.id))).toHaveLength(92);
  });
});
