import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@rstar-fleet/local-fleet';
import { repoRoot } from './harness';

/**
 * scripts/local-gpu-vllm.sh, the hooks of examples/local-gpu.yaml, as the orchestrator runs
 * them (separate processes), with a stand-in `vllm` (a Python HTTP server answering /v1/models
 * with its --served-model-name) so no GPU is needed: `serve` starts both servers on a trained
 * round and prints the hook line; `free` stops them and runs the train command in their place.
 */

const run = promisify(execFile);
const script = join(repoRoot, 'scripts', 'local-gpu-vllm.sh');
const dir = mkdtempSync(join(tmpdir(), 'rstar-local-gpu-'));
const path = `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
const argvLog = join(dir, 'vllm-argv.jsonl');
let env: NodeJS.ProcessEnv;

const FAKE_VLLM = `#!/usr/bin/env python3
import http.server, json, sys
args = sys.argv[1:]
opt = lambda name: args[args.index(name) + 1]
name, port = opt("--served-model-name"), int(opt("--port"))
with open(${JSON.stringify(argvLog)}, "a") as f:
    f.write(json.dumps(args) + "\\n")
class Models(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"object": "list", "data": [{"id": name, "object": "model"}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), Models).serve_forever()
`;

const lastLine = (text: string): unknown => JSON.parse(text.trimEnd().split('\n').at(-1) ?? '');

async function servedModels(port: string): Promise<string[] | 'down'> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/models`);
    return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
  } catch {
    return 'down';
  }
}

beforeAll(async () => {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'vllm'), FAKE_VLLM);
  chmodSync(join(bin, 'vllm'), 0o755);
  env = {
    PATH: `${bin}:${path}`,
    RSTAR_MODELS_DIR: join(dir, 'models'),
    RSTAR_VLLM_STATE: join(dir, 'state'),
    RSTAR_POLICY_PORT: String(await freePort()),
    RSTAR_PPM_PORT: String(await freePort()),
    RSTAR_VLLM_TIMEOUT: '60',
  };
});
afterAll(async () => {
  await run('bash', [script, 'stop'], { env, cwd: dir }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/local-gpu-vllm.sh (the local GPU hooks)', () => {
  it('refuses to serve a round the trainer has not finished (no DONE): exit 66', async () => {
    const round = join(dir, 'models', 'exp-1', 'round-1');
    mkdirSync(join(round, 'policy'), { recursive: true });
    const err = (await run('bash', [script, 'serve', 'exp-1', '1'], { env, cwd: dir }).catch(
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err.code).toBe(66);
    expect(err.stderr).toContain(`${round}/DONE does not exist`);
  });

  it('serves a trained round (PPM as a pooling model) and prints the deploy hook line', async () => {
    const round = join(dir, 'models', 'exp-1', 'round-2');
    for (const part of ['policy', 'ppm']) mkdirSync(join(round, part), { recursive: true });
    writeFileSync(join(round, 'DONE'), '');
    const { stdout } = await run('bash', [script, 'serve', 'exp-1', '2'], { env, cwd: dir });
    expect(lastLine(stdout)).toEqual({
      policy: { model: 'rstar-policy-r2' },
      ppm: { model: 'rstar-ppm-r2' },
    });
    expect(await servedModels(env.RSTAR_POLICY_PORT!)).toEqual(['rstar-policy-r2']);
    expect(await servedModels(env.RSTAR_PPM_PORT!)).toEqual(['rstar-ppm-r2']);
    const argv = readFileSync(argvLog, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    const [policy, ppm] = argv.slice(-2);
    expect(policy?.slice(0, 2)).toEqual(['serve', join(round, 'policy')]);
    expect(policy).toContain('--enable-prefix-caching');
    expect(policy).not.toContain('--runner');
    expect(ppm?.slice(0, 2)).toEqual(['serve', join(round, 'ppm')]);
    expect(ppm?.join(' ')).toContain('--runner pooling');
  });

  it('frees the GPU for training: stops both servers, then the train command prints the result', async () => {
    expect(await servedModels(env.RSTAR_POLICY_PORT!)).toEqual(['rstar-policy-r2']);
    const { stdout } = await run(
      'bash',
      [script, 'free', '--', process.execPath, '-e', 'console.log(JSON.stringify({trained: 3}))'],
      { env, cwd: dir },
    );
    expect(lastLine(stdout)).toEqual({ trained: 3 });
    expect(await servedModels(env.RSTAR_POLICY_PORT!)).toBe('down');
    expect(await servedModels(env.RSTAR_PPM_PORT!)).toBe('down');
  });

  it('explains itself and rejects bad arguments with exit 64', async () => {
    const help = await run('bash', [script, '--help'], { env });
    expect(help.stdout).toContain('Usage: local-gpu-vllm.sh');
    for (const args of [['serve', 'exp-1'], ['serve', 'exp-1', 'two'], ['free'], ['nope']]) {
      const err = (await run('bash', [script, ...args], { env }).catch((e: unknown) => e)) as {
        code: number;
      };
      expect([args.join(' '), err.code]).toEqual([args.join(' '), 64]);
    }
  });
});
