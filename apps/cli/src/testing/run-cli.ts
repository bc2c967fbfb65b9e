import { PassThrough } from 'node:stream';
import { main } from '../main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rstar-fleet ...args` in process (the same `main` the bin calls) and captures its output. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(['node', 'rstar-fleet', ...args], { stdout, stderr });
  return { code, stdout: out, stderr: err };
}
