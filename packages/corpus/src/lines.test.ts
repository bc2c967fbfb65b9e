import { readLines, type Line } from './lines';
import { tempFile } from './test-helpers';

async function lines(content: string | Buffer, max = 1 << 20): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of readLines(tempFile('t.jsonl', content), max)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF, keeps a last line without newline and numbers blank lines', async () => {
    expect(await lines('a\r\nb\n\nc')).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: '' },
      { line: 4, text: 'c' },
    ]);
  });

  it('drops a UTF-8 BOM on the first line only', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(await lines(Buffer.concat([bom, Buffer.from('x\n'), bom, Buffer.from('y\n')]))).toEqual([
      { line: 1, text: 'x' },
      { line: 2, text: '\ufeffy' },
    ]);
  });

  it('keeps multi-byte characters split across read chunks intact', async () => {
    const text = 'é'.repeat(700_000);
    const got = await lines(`${text}\nok`, 2_000_000);
    expect(got).toEqual([
      { line: 1, text },
      { line: 2, text: 'ok' },
    ]);
  });

  it('reports an over-long line (spanning chunks) without keeping it, then goes on', async () => {
    const long = 'x'.repeat(3_000_000);
    expect(await lines(`a\n${long}\nb\n${long}`, 1000)).toEqual([
      { line: 1, text: 'a' },
      { line: 2, tooLong: true, bytes: 3_000_000 },
      { line: 3, text: 'b' },
      { line: 4, tooLong: true, bytes: 3_000_000 },
    ]);
  });

  it('reports a line that is not UTF-8 with the offset of its first bad byte, and goes on', async () => {
    const bad = Buffer.from([0x61, 0xc3, 0xa9, 0x62, 0xff, 0x63]); // a é b <0xFF> c
    const overlong = Buffer.from([0xc0, 0xaf]); // "/" encoded in two bytes
    const surrogate = Buffer.from([0x78, 0xed, 0xa0, 0x80]); // x then U+D800
    const nl = Buffer.from('\n');
    expect(
      await lines(
        Buffer.concat([
          Buffer.from('ok\n'),
          bad,
          nl,
          overlong,
          nl,
          surrogate,
          nl,
          Buffer.from('é'),
        ]),
      ),
    ).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, invalidUtf8: true, byte: 4 },
      { line: 3, invalidUtf8: true, byte: 0 },
      { line: 4, invalidUtf8: true, byte: 1 },
      { line: 5, text: 'é' },
    ]);
  });

  it('yields nothing for an empty file', async () => {
    expect(await lines('')).toEqual([]);
  });
});
