import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { RstarError } from '@rstar-fleet/protocol';
import { DEFAULT_CHECKPOINT } from './checkpoint';
import { modelSimCommand } from './command';
import { loadRemoteCheckpoint } from './load-client';
import { createSimServer, type SimServer } from './server';
import { SimState } from './state';

let sim: SimServer;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'sim-load-'));

beforeAll(async () => {
  sim = createSimServer(new SimState(DEFAULT_CHECKPOINT));
  url = `http://127.0.0.1:${await sim.listen(0)}`;
});
afterAll(() => sim.close(100));

function checkpointFile(name: string, patch: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...DEFAULT_CHECKPOINT, name, ...patch }));
  return file;
}

async function runLoad(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  await modelSimCommand({ stdout, stderr }).parseAsync(['load', ...args], { from: 'user' });
  return { stdout: out, stderr: err };
}

describe('model-sim load', () => {
  it('makes the simulator serve the checkpoint and prints the hook result line last', async () => {
    const { stdout } = await runLoad('--checkpoint', checkpointFile('r7'), '--url', url);
    const last = stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(JSON.parse(last)).toEqual({
      policy: { model: 'sim-policy-r7' },
      ppm: { model: 'sim-ppm-r7' },
    });
    expect(sim.state.policyId).toBe('sim-policy-r7');
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['sim-policy-r7', 'sim-ppm-r7']);
  });

  it('rejects a bad checkpoint with its file and field before calling the server', async () => {
    const before = sim.state.policyId;
    const bad = checkpointFile('bad', { seed: -1 });
    await expect(runLoad('--checkpoint', bad, '--url', url)).rejects.toThrow(`${bad}, field seed`);
    expect(sim.state.policyId).toBe(before);
  });

  it('names a missing checkpoint file and a bad --url flag', async () => {
    await expect(runLoad('--checkpoint', join(dir, 'none.json'), '--url', url)).rejects.toThrow(
      /does not exist/,
    );
    await expect(runLoad('--checkpoint', checkpointFile('r8'), '--url', 'ftp://x')).rejects.toThrow(
      'field --url',
    );
  });

  it('retries an unreachable simulator until it comes up, within the deadline', async () => {
    const later = createSimServer(new SimState(DEFAULT_CHECKPOINT));
    // Reserve a port, then free it: the first attempts meet a closed port.
    const port = await later.listen(0);
    await later.close(0);
    const loading = loadRemoteCheckpoint(
      `http://127.0.0.1:${port}`,
      { ...DEFAULT_CHECKPOINT, name: 'r9' },
      { timeoutMs: 20_000, retryBaseMs: 20 },
    );
    await new Promise((r) => setTimeout(r, 200));
    const again = createSimServer(new SimState(DEFAULT_CHECKPOINT));
    await again.listen(port);
    try {
      await expect(loading).resolves.toEqual({
        policy: { model: 'sim-policy-r9' },
        ppm: { model: 'sim-ppm-r9' },
      });
    } finally {
      await again.close(100);
    }
  });

  it('gives up at the deadline with DEADLINE_EXCEEDED, and does not retry a 4xx', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const hung = loadRemoteCheckpoint(`http://127.0.0.1:${port}`, DEFAULT_CHECKPOINT, {
        timeoutMs: 300,
      });
      await expect(hung).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    const rejected = loadRemoteCheckpoint(url, { ...DEFAULT_CHECKPOINT, maxModelLen: -1 });
    await expect(rejected).rejects.toBeInstanceOf(RstarError);
    await expect(rejected).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
