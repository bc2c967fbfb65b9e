import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveHookArgv, runCommandHook } from './command-hook';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rstar-hook-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = process.execPath;

describe('command hooks', () => {
  it('takes the last stdout line as the result, keeping extra fields, with a stderr tail', async () => {
    const out = await runCommandHook({
      argv: [
        node,
        '-e',
        "console.log('loading'); console.error('warming up'); console.log(JSON.stringify({policy:{model:'p2'},audit:{precision:0.9}}))",
      ],
      timeoutSeconds: 30,
    });
    expect(out).toMatchObject({
      kind: 'command',
      status: 'succeeded',
      exitCode: 0,
      result: { policy: { model: 'p2' }, audit: { precision: 0.9 } },
      error: null,
    });
    expect(out.stderrTail).toContain('warming up');
  });

  it('fails when the last line is not JSON, or not a models object', async () => {
    const notJson = await runCommandHook({
      argv: [node, '-e', "console.log('{}'); console.log('done')"],
      timeoutSeconds: 30,
    });
    expect(notJson).toMatchObject({
      status: 'failed',
      result: null,
      error: expect.stringMatching(/not JSON: done/),
    });
    const wrong = await runCommandHook({
      argv: [node, '-e', 'console.log(JSON.stringify({policy:{model:""}}))'],
      timeoutSeconds: 30,
    });
    expect(wrong).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/does not name models/),
    });
  });

  it('reports a non-zero exit and a missing program', async () => {
    const exit = await runCommandHook({
      argv: [node, '-e', "console.error('boom'); process.exit(3)"],
      timeoutSeconds: 30,
    });
    expect(exit).toMatchObject({ status: 'failed', exitCode: 3, stderrTail: 'boom\n' });
    const missing = await runCommandHook({
      argv: [join(dir, 'no-such-program')],
      timeoutSeconds: 30,
    });
    expect(missing).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot run/) });
  });

  it('times out with SIGTERM, then SIGKILL for a process that ignores it', async () => {
    const out = await runCommandHook({
      argv: [
        node,
        '-e',
        "process.on('SIGTERM', () => {}); console.log('started'); setInterval(() => {}, 1000)",
      ],
      timeoutSeconds: 1,
      killGraceMs: 200,
    });
    expect(out).toMatchObject({ status: 'timeout', result: null, error: 'timed out after 1 s' });
  });

  it('runs argv[0] `rstar-fleet` as this installation (process.execPath + the CLI script)', async () => {
    const script = join(dir, 'cli.js');
    writeFileSync(
      script,
      'console.log(JSON.stringify({ppm:{model:process.argv.slice(2).join("-")}}))',
    );
    expect(resolveHookArgv(['rstar-fleet', 'a'], script)).toEqual({
      file: node,
      args: [script, 'a'],
    });
    expect(resolveHookArgv(['/usr/bin/rstar-fleet', 'a'], script)).toEqual({
      file: '/usr/bin/rstar-fleet',
      args: ['a'],
    });
    const out = await runCommandHook({
      argv: ['rstar-fleet', 'model-sim', 'train'],
      timeoutSeconds: 30,
      cliScript: script,
    });
    expect(out).toMatchObject({
      status: 'succeeded',
      result: { ppm: { model: 'model-sim-train' } },
    });
    const unknown = await runCommandHook({ argv: ['rstar-fleet', 'x'], timeoutSeconds: 30 });
    expect(unknown).toMatchObject({ status: 'failed', error: expect.stringMatching(/CLI script/) });
  });
});
