import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import type { AuditReport } from './audit';
import { parseCheckpoint } from './checkpoint';
import { modelSimCommand } from './command';
import { splitSteps } from './recover';
import { ROUND_PLAN, runSimRounds } from './rounds';

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

  it("audits the control extraction of a round's search records with --trees", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-trees-'));
    const results = join(dir, 'results');
    mkdirSync(results);
    const lines: string[] = [];
    const rows = { sft: [] as string[], pairs: [] as string[] };
    await runSimRounds({
      problems: 6,
      seed: 3,
      plan: ROUND_PLAN.slice(0, 1),
      observer: {
        searched: (_round, record) => void lines.push(JSON.stringify(record)),
        roundDone: (_outcome, data) => {
          rows.sft = data.sft.map((r) => JSON.stringify(r));
          rows.pairs = data.pairs.map((r) => JSON.stringify(r));
        },
      },
    });
    // Two shard files; the second ends in a crashed writer's torn line, which is skipped.
    writeFileSync(join(results, '0.jsonl'), `${lines.slice(0, 3).join('\n')}\n`);
    writeFileSync(join(results, '1.jsonl'), `${lines.slice(3).join('\n')}\n{"v":1,"probl`);
    writeFileSync(join(dir, 'sft.jsonl'), `${rows.sft.join('\n')}\n`);
    writeFileSync(join(dir, 'pairs.jsonl'), `${rows.pairs.join('\n')}\n`);
    const args = ['--sft', join(dir, 'sft.jsonl'), '--pairs', join(dir, 'pairs.jsonl')];

    const audit = io();
    await modelSimCommand(audit.io).parseAsync(['audit', ...args, '--trees', results], {
      from: 'user',
    });
    const report = JSON.parse(audit.out()) as AuditReport;
    expect(report.pairs.rows).toBe(rows.pairs.length);
    // The control covers the same solved problems, from every record of both files.
    expect(report.problems).toBeGreaterThan(0);
    expect(report.control?.problems).toBe(report.problems);
    expect(report.control?.pairs.rows).toBeGreaterThan(0);

    writeFileSync(join(results, '0.jsonl'), `${lines[0] ?? ''}\nnot json\n`);
    const bad = modelSimCommand(io().io).parseAsync(['audit', ...args, '--trees', results], {
      from: 'user',
    });
    await expect(bad).rejects.toThrow(`${join(results, '0.jsonl')}:2`);
  });
});
