import { join } from 'node:path';
import { InvalidInputError, NotFoundError } from '@rstar-fleet/protocol';
import { FIXTURES, collect, tempFile } from './test-helpers';
import { DETECT_SAMPLE } from './choose-adapter';
import { EmptyCorpusError, emptyCorpusError } from './empty';
import { readCorpus } from './read-corpus';

const numina = join(FIXTURES, 'numina.jsonl');
const metamath = join(FIXTURES, 'metamath.jsonl');
const math = join(FIXTURES, 'math.jsonl');
const plain = join(FIXTURES, 'plain.jsonl');

describe('readCorpus on hand-written fixtures', () => {
  it('maps NuminaMath rows, rejecting each malformed line with file:line and field', async () => {
    const { records, rejects, duplicates, stats } = await collect(numina);
    expect(stats.adapter).toBe('numina');
    expect(records.map((r) => [r.source, r.answer])).toEqual([
      ['numina/olympiads', '28'],
      ['numina/cn_k12', '\\frac{5}{6}'],
      ['numina/synthetic_math', '2'],
    ]);
    expect(rejects).toEqual([
      expect.stringMatching(/^.*numina\.jsonl:3: not valid JSON/),
      `${numina}:4, field solution: has no \\boxed{} answer`,
      `${numina}:5, field problem: is missing`,
      `${numina}:7, field problem: must be a string, got an array`,
      `${numina}:8, field problem: is empty`,
      `${numina}:11: expected a JSON object`,
    ]);
    expect(duplicates).toEqual([expect.objectContaining({ of: 'problem', line: 9 })]);
    expect(stats).toMatchObject({
      format: 'jsonl',
      read: 10,
      blankLines: 1,
      accepted: 3,
      rejected: 6,
      duplicates: 1,
      bySource: { 'numina/olympiads': 1, 'numina/cn_k12': 1, 'numina/synthetic_math': 1 },
    });
    expect(stats.rejectedByReason).toMatchObject({
      'invalid-json': 1,
      'no-answer': 1,
      'missing-field': 1,
      'wrong-type': 1,
      'empty-field': 1,
      'not-an-object': 1,
    });
  });

  it('maps MetaMathQA rows from a CRLF file with a BOM', async () => {
    const { records, rejects, stats } = await collect(metamath);
    expect(stats.adapter).toBe('metamath');
    expect(records.map((r) => r.answer)).toEqual(['12', '7', '\\frac{3}{4}']);
    expect(records[0]?.problem).toBe(
      'James has 5 apples and buys 7 more. How many apples does he have?',
    );
    expect(records[0]?.meta).toEqual({ type: 'GSM_Rephrased' });
    expect(rejects).toEqual([
      `${metamath}:3, field response: does not end with "The answer is: …"`,
      `${metamath}:4, field response: must be a string, got a number`,
      expect.stringContaining(`${metamath}:5: not valid JSON`),
    ]);
  });

  it('maps MATH rows with the boxed answer and keeps type and level', async () => {
    const { records, rejects } = await collect(math);
    expect(records.map((r) => r.answer)).toEqual(['10', '(-1,1)']);
    expect(records[0]?.meta).toEqual({ type: 'Counting & Probability', level: 'Level 1' });
    expect(rejects).toEqual([`${math}:3, field solution: has no \\boxed{} answer`]);
  });

  it('maps plain rows, numbers as answers, and reports a repeated id as a duplicate', async () => {
    const { records, rejects, duplicates } = await collect(plain);
    expect(records.map((r) => [r.id, r.answer])).toEqual([
      ['plain-p-1', '42'],
      [expect.stringMatching(/^plain-h[0-9a-f]{16}$/), '7'],
    ]);
    expect(duplicates).toEqual([expect.objectContaining({ of: 'id', id: 'plain-p-1', line: 3 })]);
    expect(rejects).toEqual([
      `${plain}:4, field answer: is missing`,
      `${plain}:5, field answer: is empty`,
      `${plain}:6, field answer: must be a string, got a boolean`,
    ]);
  });
});

describe('ids', () => {
  it('are stable across runs and independent of surrounding lines', async () => {
    const first = await collect(numina);
    const second = await collect(numina);
    expect(second.records.map((r) => r.id)).toEqual(first.records.map((r) => r.id));
    const copy = tempFile(
      'numina.jsonl',
      '\n\n' +
        JSON.stringify({
          problem: 'Solve $x^2=4$ for $x>0$.',
          solution: '$\\boxed{2}$',
          source: 's',
        }) +
        '\n',
    );
    const again = await collect(copy);
    expect(again.records[0]?.id).toBe(first.records[2]?.id);
  });

  it('use the dataset label given in the options', async () => {
    const { records } = await collect(plain, { dataset: 'mine' });
    expect(records[0]?.id).toBe('mine-p-1');
    expect(records[0]?.source).toBe('mine');
  });

  it('turn off duplicate detection on request', async () => {
    const { records, duplicates } = await collect(numina, { dedupe: false });
    expect(records).toHaveLength(4);
    expect(duplicates).toEqual([]);
  });
});

describe('adapter choice', () => {
  it('fails the whole file at its first row when the named adapter does not fit', async () => {
    const stream = readCorpus(numina, { adapter: 'gsm8k' });
    const read = async (): Promise<void> => {
      for await (const item of stream) void item;
    };
    await expect(read()).rejects.toThrow(InvalidInputError);
    await expect(collect(numina, { adapter: 'metamath' })).rejects.toThrow(
      `${numina}:1, field query: adapter "metamath" expects query, response; this row has source, problem, solution, messages (it looks like "numina")`,
    );
  });

  it('accepts a named adapter that fits, even where auto-detection would pick another', async () => {
    const { records, stats } = await collect(numina, { adapter: 'math' });
    expect(stats.adapter).toBe('math');
    expect(records[0]?.source).toBe('numina');
  });

  it('rejects an unknown adapter name up front', () => {
    expect(() => readCorpus(numina, { adapter: 'nope' })).toThrow(
      'field adapter: unknown adapter "nope"; known: auto, metamath, gsm8k, plain, numina, math, qa',
    );
  });

  it('fails a file whose layout no adapter knows, naming the fields it saw', async () => {
    const path = tempFile('odd.jsonl', '{"x": 1, "y": 2}\n');
    await expect(collect(path)).rejects.toThrow(
      `${path}:1: no adapter recognises a row with fields x, y`,
    );
  });

  it('chooses by the majority of the first rows, so one odd first row is only a reject', async () => {
    const gsm = (q: string, a: string): string => JSON.stringify({ question: q, answer: a });
    const path = tempFile(
      'gsm.jsonl',
      [gsm('No mark?', 'It is 3.'), gsm('One?', 'so\n#### 1'), gsm('Two?', 'so\n#### 2')].join(
        '\n',
      ),
    );
    const { records, rejects, stats } = await collect(path);
    expect(stats.adapter).toBe('gsm8k');
    expect(records.map((r) => r.answer)).toEqual(['1', '2']);
    expect(rejects).toEqual([`${path}:1, field answer: has no final answer after "####"`]);
  });

  it('rejects rows a named adapter does not fit one by one once it fits some', async () => {
    const path = tempFile(
      'mixed.jsonl',
      [
        JSON.stringify({ problem: 'a?', solution: 'no box', source: 's' }),
        JSON.stringify({ problem: 'b?', solution: '$\\boxed{2}$', source: 's' }),
      ].join('\n'),
    );
    const { records, rejects } = await collect(path, { adapter: 'numina' });
    expect(records.map((r) => r.answer)).toEqual(['2']);
    expect(rejects).toEqual([`${path}:1, field solution: has no \\boxed{} answer`]);
  });

  it('reports a file of nothing but bad lines as rejects, with no adapter', async () => {
    const path = tempFile('bad.jsonl', 'nope\n[1]\n');
    const { rejects, stats } = await collect(path);
    expect(stats).toMatchObject({ adapter: undefined, read: 2, rejected: 2 });
    expect(rejects).toEqual([
      expect.stringContaining(`${path}:1: not valid JSON`),
      `${path}:2: expected a JSON object`,
    ]);
  });

  it('reports a directory as bad input', async () => {
    await expect(collect(FIXTURES)).rejects.toThrow(InvalidInputError);
    await expect(collect(FIXTURES, { format: 'jsonl' })).rejects.toThrow(InvalidInputError);
  });

  it('reports a missing file as NOT_FOUND', async () => {
    await expect(collect(join(FIXTURES, 'absent.jsonl'))).rejects.toThrow(NotFoundError);
  });
});

describe('JSONL edge cases', () => {
  it('rejects an over-long line by number and keeps reading', async () => {
    const long = JSON.stringify({ problem: 'x'.repeat(5000), answer: '1' });
    const path = tempFile(
      'long.jsonl',
      `${JSON.stringify({ problem: 'a?', answer: '1' })}\n${long}\n${JSON.stringify({ problem: 'b?', answer: '2' })}`,
    );
    const { records, rejects, stats } = await collect(path, { maxLineBytes: 1000 });
    expect(records.map((r) => r.problem)).toEqual(['a?', 'b?']);
    expect(rejects).toEqual([
      `${path}:2: line of ${long.length} bytes is over the 1000-byte limit`,
    ]);
    expect(stats.rejectedByReason['line-too-long']).toBe(1);
  });

  it('rejects a line of invalid UTF-8 with file:line instead of repairing its text', async () => {
    const ok = (p: string): Buffer =>
      Buffer.from(`${JSON.stringify({ problem: p, answer: '1' })}\n`);
    // "caf\xe9" in Latin-1: a lone 0xE9 byte (at offset 18 of the line) is not UTF-8.
    const bad = Buffer.concat([
      Buffer.from('{"problem":"caf'),
      Buffer.from([0xe9]),
      Buffer.from(' au lait?","answer":"2"}\n'),
    ]);
    const path = tempFile('latin1.jsonl', Buffer.concat([ok('a?'), bad, ok('b é?')]));
    const { records, rejects, stats } = await collect(path);
    expect(records.map((r) => r.problem)).toEqual(['a?', 'b é?']);
    expect(rejects).toEqual([
      `${path}:2: not valid UTF-8 (first bad byte at offset 15 of the line); skipped, not repaired`,
    ]);
    expect(stats).toMatchObject({ read: 3, accepted: 2, rejected: 1 });
    expect(stats.rejectedByReason['invalid-utf8']).toBe(1);
  });
});

describe('a corpus with no valid problem', () => {
  const rows = [
    { problem: 'What is 1+1?', answer: '2' },
    { problem: 'What is 2+2?', answer: '4' },
  ];

  it.each([
    ['on one line', JSON.stringify(rows)],
    ['pretty-printed', JSON.stringify(rows, null, 2)],
    ['with a BOM and leading blank lines', `\ufeff\n\n  ${JSON.stringify(rows)}`],
  ])('names a JSON array (%s) as the cause', async (_, content) => {
    const path = tempFile('array.jsonl', content);
    const { stats } = await collect(path);
    expect(stats).toMatchObject({ accepted: 0, jsonArray: true });
    const error = emptyCorpusError(stats);
    expect(error).toBeInstanceOf(EmptyCorpusError);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error?.message).toMatch(
      new RegExp(`^${escape(path)}: corpus has no valid problems: \\d+ row\\(s\\) read`),
    );
    expect(error?.message).toContain('a JSON array, not JSONL');
  });

  it('names a JSON array as the cause when a line of it parses as an object no adapter knows', async () => {
    const path = tempFile(
      'array.jsonl',
      '[\n  {"q": "What is 1+1?", "a": "2"},\n  {"q": "What is 2+2?", "a": "4"}\n]\n',
    );
    await expect(collect(path)).rejects.toThrow(
      new RegExp(
        `^${escape(path)}:3: no adapter recognises .*; the file is a JSON array, not JSONL`,
      ),
    );
  });

  it('says what was rejected, and nothing about arrays, for JSONL of bad lines', async () => {
    const path = tempFile('bad.jsonl', 'nope\n{"problem": "x", "answer": ""}\n');
    const { stats } = await collect(path);
    expect(stats.jsonArray).toBe(false);
    expect(emptyCorpusError(stats)?.message).toBe(
      `${path}: corpus has no valid problems: 2 row(s) read, 2 rejected (invalid-json 1, empty-field 1)`,
    );
  });

  it('is an error for an empty file, and none for a corpus with a valid problem', async () => {
    const empty = await collect(tempFile('empty.jsonl', ''));
    expect(emptyCorpusError(empty.stats)?.message).toContain('0 row(s) read');
    const one = await collect(tempFile('one.jsonl', JSON.stringify(rows[0])));
    expect(emptyCorpusError(one.stats)).toBeNull();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a corpus stream', () => {
  it('can be read once (a second pass would double its totals)', async () => {
    const stream = readCorpus(plain);
    for await (const item of stream) void item;
    const again = async (): Promise<void> => {
      for await (const item of stream) void item;
    };
    await expect(again()).rejects.toThrow('already read');
    expect(stream.stats.read).toBe(6);
  });

  it('stops reading when the consumer stops (after the rows sampled to choose the adapter)', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ problem: `${i}?`, answer: i }),
    );
    const stream = readCorpus(tempFile('many.jsonl', rows.join('\n')));
    for await (const item of stream) if (item.type === 'record') break;
    expect(stream.stats).toMatchObject({ read: DETECT_SAMPLE, accepted: 1 });
  });
});
