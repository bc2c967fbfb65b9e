import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../testing/run-cli';

const run = (...args: string[]): Promise<CliRun> => runCli('grade', ...args);

function tempFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rstar-grade-'));
  const path = join(dir, 'pairs.jsonl');
  writeFileSync(path, content);
  return path;
}

describe('rstar-fleet grade', () => {
  it('prints true or false for PRED REF', async () => {
    expect(await run('\\frac{1}{2}', '0.5')).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
    expect(await run('(2,5)', '[2,5]')).toEqual({ code: 0, stdout: 'false\n', stderr: '' });
  });

  it('takes the last boxed answer of a whole response', async () => {
    const { stdout } = await run('We find $\\boxed{3}$... no: $\\boxed{\\sqrt{2}}$.', '2^{1/2}');
    expect(stdout).toBe('true\n');
  });

  it('explains a verdict with --explain', async () => {
    const { stdout } = await run('--explain', '25\\%', '0.25');
    expect(JSON.parse(stdout)).toMatchObject({ equal: true, reason: 'percentage as a fraction' });
  });

  it('grades a JSONL file in order, one output line per input line', async () => {
    const path = tempFile(
      [
        JSON.stringify({ id: 'a', pred: 'So the answer is \\boxed{\\frac{1}{2}}.', ref: '0.5' }),
        JSON.stringify({ id: 'b', pred: '(2,5)', ref: '[2,5]' }),
        JSON.stringify({ id: 'c', pred: 42, ref: '42' }),
      ].join('\n') + '\n',
    );
    const { code, stdout, stderr } = await run('--file', path);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { id: 'a', pred: 'So the answer is \\boxed{\\frac{1}{2}}.', ref: '0.5', equal: true },
      { id: 'b', pred: '(2,5)', ref: '[2,5]', equal: false },
      { id: 'c', pred: 42, ref: '42', equal: true },
    ]);
  });

  it('reports bad lines by file:line and field, writes equal: null, and still exits 0', async () => {
    const path = tempFile(
      [
        'not json',
        JSON.stringify({ pred: '1' }),
        JSON.stringify({ pred: ['x'], ref: '1' }),
        '',
        JSON.stringify({ pred: '2', ref: '2' }),
      ].join('\n'),
    );
    const { code, stdout, stderr } = await run('-f', path);
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { equal: null },
      { pred: '1', equal: null },
      { pred: ['x'], ref: '1', equal: null },
      { equal: null },
      { pred: '2', ref: '2', equal: true },
    ]);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `rstar-fleet grade: ${path}:1: not valid JSON`,
      `rstar-fleet grade: ${path}:2, field ref: is missing`,
      `rstar-fleet grade: ${path}:3, field pred: must be a string or a number`,
      `rstar-fleet grade: ${path}:4: empty line`,
    ]);
  });

  it('fails with NOT_FOUND (66) when the file cannot be read', async () => {
    const { code, stderr } = await run('--file', '/no/such/pairs.jsonl');
    expect(code).toBe(66);
    expect(stderr).toContain('cannot open /no/such/pairs.jsonl');
  });

  it('is a usage error (64) without PRED REF or --file', async () => {
    const { code, stderr } = await run('only-one');
    expect(code).toBe(64);
    expect(stderr).toContain('missing PRED and REF');
  });

  it('documents itself in --help', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: rstar-fleet grade');
    expect(stdout).toContain('--file');
    expect(stdout).toContain('"equal": null');
  });
});
