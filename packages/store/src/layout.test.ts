import { InvalidInputError } from '@rstar-fleet/protocol';
import {
  planFile,
  roundDir,
  roundFile,
  runDir,
  shardInput,
  shardResults,
  type RoundFile,
} from './layout';
import { validateKey, validatePrefix } from './keys';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).where.field;
  }
  throw new Error('expected InvalidInputError');
}

describe('layout', () => {
  it('builds the stable paths', () => {
    expect(runDir('r1')).toBe('runs/r1');
    expect(planFile('r1')).toBe('runs/r1/plan.yaml');
    expect(roundDir('r1', 2)).toBe('runs/r1/round-2');
    expect(shardInput('r1', 2, 17)).toBe('runs/r1/round-2/shards/17.jsonl');
    expect(shardResults('r1', 2, 17)).toBe('runs/r1/round-2/results/17.jsonl');
    expect(roundFile('r1', 0, 'sft.jsonl')).toBe('runs/r1/round-0/sft.jsonl');
    expect(roundFile('r1', 0, 'ppm_pairs.jsonl')).toBe('runs/r1/round-0/ppm_pairs.jsonl');
    expect(roundFile('r1', 0, 'unsolved.jsonl')).toBe('runs/r1/round-0/unsolved.jsonl');
    expect(roundFile('r1', 0, 'stats.json')).toBe('runs/r1/round-0/stats.json');
  });

  it('rejects run ids that could escape the root, naming the field', () => {
    for (const bad of [
      '..',
      '.',
      '',
      '../x',
      'a/b',
      '/abs',
      '.hidden',
      '-flag',
      'a b',
      'a\0b',
      'é',
    ]) {
      expect(fieldOf(() => runDir(bad))).toBe('run');
    }
  });

  it('rejects bad rounds, shards and round files, naming the field', () => {
    expect(fieldOf(() => roundDir('r', -1))).toBe('round');
    expect(fieldOf(() => roundDir('r', 1.5))).toBe('round');
    expect(fieldOf(() => shardInput('r', 0, Number.NaN))).toBe('shard');
    expect(fieldOf(() => shardResults('r', 0, -3))).toBe('shard');
    expect(fieldOf(() => roundFile('r', 0, '../x' as RoundFile))).toBe('file');
  });

  it('validates keys and prefixes', () => {
    expect(validateKey('runs/r1/plan.yaml')).toBe('runs/r1/plan.yaml');
    expect(fieldOf(() => validateKey('/etc/passwd'))).toBe('key');
    expect(fieldOf(() => validateKey('runs/../../etc'))).toBe('key');
    expect(fieldOf(() => validateKey('runs//x'))).toBe('key');
    expect(fieldOf(() => validateKey('runs\\..\\x'))).toBe('key');
    expect(fieldOf(() => validateKey('a'.repeat(201)))).toBe('key');
    expect(validatePrefix('')).toBe('');
    expect(validatePrefix('runs/')).toBe('runs');
    expect(fieldOf(() => validatePrefix('../'))).toBe('prefix');
  });

  it('names the offending field in the message', () => {
    expect(() => runDir('../etc')).toThrow(/field run/);
  });
});
