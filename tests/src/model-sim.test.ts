import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const bin = join(__dirname, '..', '..', 'apps', 'cli', 'bin', 'rstar-fleet.js');

describe('rstar-fleet model-sim (real process)', () => {
  it('serves as a named simulator and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'model-sim', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const m = /on (http:\/\/\S+)/.exec(log);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error(`model-sim exited: ${log}`)));
    });
    try {
      expect(log).toContain('SIMULATOR');
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toEqual(['sim-policy-r0', 'sim-ppm-r0']);
      const res = await fetch(`${url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'hello', n: 2, max_tokens: 64, stop: ['<end_of_answer>'] }),
      });
      expect(res.status).toBe(200);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }
  });
});
