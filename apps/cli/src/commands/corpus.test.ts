import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../testing/run-cli';

const FIXTURES = join(__dirname, '../../../../packages/corpus/src/__fixtures__');
const BENCHMARKS = join(__dirname, '../../../../../shared/data/benchmarks');

const run = (...args: string[]): Promise<CliRun> => runCli('corpus', ...args);

describe('rstar-fleet corpus inspect', () => {
  it('prints counts, rejects by reason with their places, duplicates and sources', async () => {
    const file = join(FIXTURES, 'numina.jsonl');
    const { code, stdout, stderr } = await run('inspect', file);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`${file}: jsonl, adapter numina\n`);
    expect(stdout).toContain('  rows read    10 (and 1 blank line(s))\n');
    expect(stdout).toContain('  accepted     3\n');
    expect(stdout).toContain('  duplicates   1\n');
    expect(stdout).toContain('  rejected     6\n');
    expect(stdout).toContain(
      `    no-answer      1\n      ${file}:4, field solution: has no \\boxed{} answer\n`,
    );
    expect(stdout).toContain(`    ${file}:9: duplicate problem text`);
    expect(stdout).toContain('    numina/olympiads      1\n');
  });

  it('prints the totals as JSON with --json, on a real benchmark file', async () => {
    const file = join(BENCHMARKS, 'gsm8k-test.jsonl');
    const { code, stdout } = await run('inspect', '--json', file);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      file,
      format: 'jsonl',
      adapter: 'gsm8k',
      read: 1319,
      accepted: 1319,
      rejected: 0,
      duplicates: 0,
      bySource: { 'gsm8k-test': 1319 },
    });
  });

  it('exits 65 naming file:line and field when the named adapter does not fit', async () => {
    const file = join(FIXTURES, 'metamath.jsonl');
    const { code, stderr } = await run('inspect', '--adapter', 'numina', file);
    expect(code).toBe(65);
    expect(stderr).toContain(
      `${file}:1, field problem: adapter "numina" expects problem, solution`,
    );
  });

  it('exits 66 for a missing file and 64 for an unknown adapter name', async () => {
    expect((await run('inspect', join(FIXTURES, 'absent.jsonl'))).code).toBe(66);
    const usage = await run('inspect', '--adapter', 'nope', join(FIXTURES, 'plain.jsonl'));
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("argument 'nope' is invalid");
  });

  it('exits 65 for a JSON array, saying so, after printing what it read', async () => {
    const file = tempCorpus(
      'array.jsonl',
      JSON.stringify([{ problem: 'What is 1+1?', answer: '2' }], null, 2),
    );
    const { code, stdout, stderr } = await run('inspect', file);
    expect(code).toBe(65);
    expect(stdout).toContain('  accepted     0\n');
    expect(stdout).toContain('  warning: the file is a JSON array, not JSONL');
    expect(stderr).toContain(`${file}: corpus has no valid problems`);
    expect(stderr).toContain('a JSON array, not JSONL');
  });

  it('exits 65 for a corpus with no valid problem, and counts invalid UTF-8 as a reject', async () => {
    const file = tempCorpus(
      'latin1.jsonl',
      Buffer.concat([
        Buffer.from('{"problem":"caf'),
        Buffer.from([0xe9, 0x3f]),
        Buffer.from('","answer":"1"}\n'),
      ]),
    );
    const { code, stdout, stderr } = await run('inspect', file);
    expect(code).toBe(65);
    expect(stdout).toContain(`    invalid-utf8   1\n      ${file}:1: not valid UTF-8`);
    expect(stderr).toContain(
      `${file}: corpus has no valid problems: 1 row(s) read, 1 rejected (invalid-utf8 1)`,
    );
    expect(stderr).not.toContain('JSON array');
  });
});

function tempCorpus(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rstar-inspect-')), name);
  writeFileSync(path, content);
  return path;
}
