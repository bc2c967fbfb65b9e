import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { synthRecord } from '@rstar-fleet/corpus';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { synthCommand } from './corpus-synth';

const io = { stdout: new PassThrough(), stderr: new PassThrough() };

describe('corpus synth', () => {
  it('writes the deterministic family for a seed', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'synth-cli-')), 'synth.jsonl');
    await synthCommand(io).parseAsync(['--count', '50', '--seed', '9', '--out', out], {
      from: 'user',
    });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    expect(JSON.parse(lines[49] ?? '')).toEqual(synthRecord(9, 49));
  });

  it('names a bad flag', async () => {
    const run = synthCommand(io).parseAsync(['--count', 'many', '--out', 'x.jsonl'], {
      from: 'user',
    });
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(
      synthCommand(io).parseAsync(['--count', 'many', '--out', 'x.jsonl'], { from: 'user' }),
    ).rejects.toThrow('field --count');
  });
});
