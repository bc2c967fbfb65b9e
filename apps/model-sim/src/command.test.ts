import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { parseCheckpoint } from './checkpoint';
import { modelSimCommand } from './command';
import { splitSteps } from './recover';

function io(): { io: { stdout: PassThrough; stderr: PassThrough }; out: () => string } {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { io: { stdout, stderr: new PassThrough() }, out: () => chunks.join('') };
}

describe('model-sim train and audit commands', () => {
  it('audit and train from JSONL files, writing a valid next checkpoint', async () => {
    const protocol = compileStepProtocol();
    const dir = mkdtempSync(join(tmpdir(), 'sim-cmd-'));
    const sft: string[] = [];
    const pairs: string[] = [];
    for (let i = 0; i < 20; i++) {
      const record = synthRecord(8, i);
      const prompt = renderPrompt(protocol, record.problem);
      sft.push(JSON.stringify({ prompt, completion: record.solution }));
      const [first = ''] = splitSteps(record.solution, protocol);
      const wrong = first.replace(/^(v1 = .*)$/m, '$1 + 50');
      pairs.push(JSON.stringify({ prompt, chosen: first, rejected: wrong }));
    }
    writeFileSync(join(dir, 'sft.jsonl'), `${sft.join('\n')}\n`);
    writeFileSync(join(dir, 'pairs.jsonl'), `${pairs.join('\n')}\n`);

    const audit = io();
    await modelSimCommand(audit.io).parseAsync(
      ['audit', '--sft', join(dir, 'sft.jsonl'), '--pairs', join(dir, 'pairs.jsonl')],
      { from: 'user' },
    );
    const report = JSON.parse(audit.out()) as {
      sft: { soundRows: number };
      pairs: { chosenBetter: number };
    };
    expect(report.sft.soundRows).toBe(20);
    expect(report.pairs.chosenBetter).toBe(20);

    const train = io();
    const out = join(dir, 'r1.json');
    await modelSimCommand(train.io).parseAsync(
      ['train', '--sft', join(dir, 'sft.jsonl'), '--pairs', join(dir, 'pairs.jsonl'), '--out', out],
      { from: 'user' },
    );
    expect(parseCheckpoint(JSON.parse(readFileSync(out, 'utf8'))).name).toBe('r1');
  });

  it('names the file and line of a bad dataset row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cmd-'));
    writeFileSync(join(dir, 'sft.jsonl'), '{"prompt":"p","completion":"c"}\n{"prompt":1}\n');
    writeFileSync(join(dir, 'pairs.jsonl'), '');
    const run = modelSimCommand(io().io).parseAsync(
      ['audit', '--sft', join(dir, 'sft.jsonl'), '--pairs', join(dir, 'pairs.jsonl')],
      { from: 'user' },
    );
    await expect(run).rejects.toThrow(`${join(dir, 'sft.jsonl')}:2, field prompt`);
  });
});
