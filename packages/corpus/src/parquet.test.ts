import { InvalidInputError } from '@rstar-fleet/protocol';
import { join } from 'node:path';
import type { FileMetaData } from 'hyparquet' with { 'resolution-mode': 'import' };
import { FIXTURES, collect, tempFile } from './test-helpers';
import { sniffFormat } from './format';

/**
 * A Parquet file written in the test with hyparquet-writer (no pyarrow here): NuminaMath's
 * column layout, several row groups, one bad row, a `messages`-like column the reader must skip.
 */
async function writeNuminaParquet(rows: number, rowGroupSize: number): Promise<string> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const problems = Array.from({ length: rows }, (_, i) => `What is ${i} + ${i}?`);
  const solutions = problems.map((_, i) =>
    i === 3 ? 'no box here' : `It is $\\boxed{${2 * i}}$.`,
  );
  const buffer = parquetWriteBuffer({
    columnData: [
      {
        name: 'source',
        data: problems.map((_, i) => (i % 2 === 0 ? 'olympiads' : 'cn_k12')),
        type: 'STRING',
      },
      { name: 'problem', data: problems, type: 'STRING' },
      { name: 'solution', data: solutions, type: 'STRING' },
      { name: 'chat', data: problems.map((p) => `user: ${p}`), type: 'STRING' },
    ],
    rowGroupSize,
  });
  return tempFile('numina-cot.parquet', Buffer.from(buffer));
}

/** The file's footer as hyparquet reads it: row groups, columns, codecs. */
async function footerOf(path: string): Promise<FileMetaData> {
  const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
  return parquetMetadataAsync(await asyncBufferFromFile(path));
}

describe('Parquet corpus files', () => {
  it('reports a corrupt file as bad input naming it', async () => {
    const path = tempFile('broken.parquet', Buffer.from('PAR1 this is not really parquet PAR1'));
    await expect(collect(path)).rejects.toThrow(InvalidInputError);
    await expect(collect(path)).rejects.toThrow(`${path}: cannot read Parquet`);
  });

  it('stream row group by row group with row numbers as lines', async () => {
    const path = await writeNuminaParquet(25, 10);
    expect(await sniffFormat(path)).toBe('parquet');
    const metadata = await footerOf(path);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
    const { records, rejects, stats } = await collect(path);
    expect(stats).toMatchObject({
      format: 'parquet',
      adapter: 'numina',
      read: 25,
      accepted: 24,
      rejected: 1,
    });
    expect(rejects).toEqual([`${path}:4, field solution: has no \\boxed{} answer`]);
    expect(records[0]).toEqual({
      id: expect.stringMatching(/^numina-cot-h[0-9a-f]{16}$/),
      problem: 'What is 0 + 0?',
      answer: '0',
      source: 'numina-cot/olympiads',
    });
    expect(records.at(-1)).toMatchObject({ problem: 'What is 24 + 24?', answer: '48' });
    expect(stats.bySource).toEqual({ 'numina-cot/olympiads': 13, 'numina-cot/cn_k12': 11 });
  });

  it('gives the same ids as the same rows in JSONL', async () => {
    const parquet = await collect(await writeNuminaParquet(5, 2));
    const jsonl = tempFile(
      'numina-cot.jsonl',
      parquet.records
        .map((r) =>
          JSON.stringify({ problem: r.problem, solution: `$\\boxed{${r.answer}}$`, source: 'x' }),
        )
        .join('\n'),
    );
    expect((await collect(jsonl)).records.map((r) => r.id)).toEqual(
      parquet.records.map((r) => r.id),
    );
  });

  it('rejects a row whose string column is not UTF-8, naming row and column', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));
    const problems = [bytes('What is 1+1?'), bytes('Was ist 2+2?'), bytes('What is 3+3?')];
    problems[1] = new Uint8Array([...bytes('Was ist 2'), 0xfe, ...bytes('2?')]);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'problem', data: problems, type: 'BYTE_ARRAY' },
        { name: 'answer', data: ['2', '4', '6'], type: 'STRING' },
      ],
    });
    const path = tempFile('latin.parquet', Buffer.from(buffer));
    const { records, rejects, stats } = await collect(path);
    expect(records.map((r) => r.problem)).toEqual(['What is 1+1?', 'What is 3+3?']);
    expect(rejects).toEqual([
      `${path}:2, field problem: not valid UTF-8 (first bad byte at offset 9 of the string); skipped, not repaired`,
    ]);
    expect(stats.rejectedByReason['invalid-utf8']).toBe(1);
  });
});

describe('ZSTD-compressed Parquet (fixture written by pyarrow, scripts/make-zstd-fixture.py)', () => {
  it('reads every row group; the row without an answer is refused at its row number', async () => {
    const path = join(FIXTURES, 'plain-zstd.parquet');
    const metadata = await footerOf(path);
    const codecs = new Set(
      metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)),
    );
    expect([...codecs]).toEqual(['ZSTD']);
    expect(metadata.row_groups).toHaveLength(3);
    const { records, rejects, stats } = await collect(path);
    expect([stats.format, stats.adapter]).toEqual(['parquet', 'plain']);
    expect([stats.read, stats.accepted, stats.rejected]).toEqual([12, 11, 1]);
    expect(rejects).toEqual([`${path}:7, field answer: is missing`]);
    expect(records[0]).toMatchObject({
      id: 'plain-zstd-z1',
      problem: 'What is 1 times 2?',
      answer: '2',
    });
    expect(records.at(-1)).toMatchObject({ problem: 'What is 12 times 13?', answer: '156' });
  });
});
