import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { modelSimCommand } from './command';

async function train(...args: string[]): Promise<{ competence: Record<string, number> }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  await modelSimCommand({ stdout, stderr: new PassThrough() }).parseAsync(['train', ...args], {
    from: 'user',
  });
  return JSON.parse(out) as { competence: Record<string, number> };
}

describe('model-sim train --stats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-train-stats-'));
  const protocol = compileStepProtocol();
  const sft = Array.from({ length: 10 }, (_, i) => {
    const record = synthRecord(3, i);
    return JSON.stringify({
      prompt: renderPrompt(protocol, record.problem),
      completion: record.solution,
    });
  });
  writeFileSync(join(dir, 'sft.jsonl'), `${sft.join('\n')}\n`);
  writeFileSync(join(dir, 'pairs.jsonl'), '');
  const base = ['--sft', join(dir, 'sft.jsonl'), '--pairs', join(dir, 'pairs.jsonl')];

  it('scales training by the problems the round searched, read from stats.json', async () => {
    writeFileSync(join(dir, 'stats.json'), JSON.stringify({ round: 1, problems: 40 }));
    const viaStats = await train(
      ...base,
      '--stats',
      join(dir, 'stats.json'),
      '--out',
      join(dir, 'a.json'),
    );
    const viaFlag = await train(...base, '--problems', '40', '--out', join(dir, 'b.json'));
    const fromData = await train(...base, '--out', join(dir, 'c.json'));
    expect(viaStats.competence).toEqual(viaFlag.competence);
    // The same rows cover 10 problems of 40 less than 10 of 10: training moves less.
    expect(viaStats.competence).not.toEqual(fromData.competence);
  });

  it('names the stats file and field when it has no problem count', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ round: 1 }));
    await expect(
      train(...base, '--stats', join(dir, 'bad.json'), '--out', join(dir, 'd.json')),
    ).rejects.toThrow(`${join(dir, 'bad.json')}, field problems`);
  });
});
