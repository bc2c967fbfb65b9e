/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   compose.yaml and prometheus.yaml are untyped YAML; the tests read them as documents. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '@rstar-fleet/config';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';

// No Docker engine runs here, so the images and the compose stack are checked by reading them:
// dockerfile-utils (the Docker language server's validator) lints the Dockerfiles, and the tests
// pin what the issue asks of them (LTS slim base, non-root, no dev dependencies, the Python
// stack, AOF/noeviction Redis, every service scraped, the GPU profile).

const repoRoot = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const IMAGES = ['orchestrator', 'worker', 'sandbox'] as const;

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, grouped by build stage. */
function stages(text: string): Instruction[][] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const result: Instruction[][] = [[]];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') result.push([]);
    result[result.length - 1]?.push(instruction);
  }
  return result;
}

describe.each(IMAGES)('infra/docker/%s.Dockerfile', (image) => {
  const path = `infra/docker/${image}.Dockerfile`;
  const text = read(path);
  const [preamble = [], ...built] = stages(text);
  const final = built[built.length - 1] ?? [];

  it('passes the Dockerfile linter', () => {
    expect(validate(text).map((d) => [d.range.start.line + 1, d.message])).toEqual([]);
  });

  it('builds in a separate stage from a Node LTS slim base', () => {
    expect(built.length).toBeGreaterThanOrEqual(2);
    const nodeImage = preamble.find((i) => i.keyword === 'ARG')?.args ?? '';
    expect(nodeImage).toMatch(/^NODE_IMAGE=node:(20|22)(\.\d+)*-(bookworm-)?slim$/);
    for (const stage of built) expect(stage[0]?.args).toMatch(/^\$\{NODE_IMAGE\}/);
  });

  it('ships only production dependencies and the compiled tree', () => {
    const buildRuns = built
      .slice(0, -1)
      .flat()
      .filter((i) => i.keyword === 'RUN');
    const prune = buildRuns.findIndex((i) => i.args.includes('npm ci --omit=dev'));
    const compile = buildRuns.findIndex((i) => i.args.includes('tsc -b'));
    expect(compile).toBeGreaterThanOrEqual(0);
    expect(prune).toBeGreaterThan(compile);
    expect(buildRuns[prune]?.args).toContain('collect-runtime.sh /out');
    const copies = final.filter((i) => i.keyword === 'COPY');
    expect(copies.map((c) => c.args)).toEqual(['--from=build /out/ /app/']);
    expect(final.some((i) => /\bnpm (ci|install)\b/.test(i.args))).toBe(false);
  });

  it('runs as a numeric non-root user under tini', () => {
    const users = final.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const [uid = '', gid = ''] = (users[users.length - 1]?.args ?? '').split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid)).toBeGreaterThan(0);
    const entrypoint = final.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '';
    expect(JSON.parse(entrypoint)).toEqual(['/usr/bin/tini', '--', 'rstar-fleet']);
  });

  it('has a .dockerignore that keeps build outputs and dependencies out of the context', () => {
    const ignore = read(`${path}.dockerignore`).split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });
});

describe('infra/docker/trainer.Dockerfile', () => {
  const path = 'infra/docker/trainer.Dockerfile';
  const text = read(path);
  const [preamble = [], ...built] = stages(text);
  const final = built[built.length - 1] ?? [];
  const build = built.slice(0, -1).flat();
  const arg = (name: string) =>
    [...preamble, ...build]
      .find((i) => i.keyword === 'ARG' && i.args.startsWith(`${name}=`))
      ?.args.slice(name.length + 1);

  it('passes the Dockerfile linter', () => {
    expect(validate(text).map((d) => [d.range.start.line + 1, d.message])).toEqual([]);
  });

  it('builds from a pinned Python slim base in a separate stage', () => {
    expect(built.length).toBeGreaterThanOrEqual(2);
    expect(arg('PYTHON_IMAGE')).toMatch(/^python:3\.\d+-slim-bookworm$/);
    for (const stage of built) expect(stage[0]?.args).toMatch(/^\$\{PYTHON_IMAGE\}/);
  });

  it("installs an exact CUDA build of torch, then the trainer's pinned requirements without torch", () => {
    expect(arg('TORCH_VERSION')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(arg('TORCH_INDEX_URL')).toMatch(/^https:\/\/download\.pytorch\.org\/whl\/cu\d+$/);
    const runs = build.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    const torch = runs.findIndex((r) =>
      r.includes('--index-url "${TORCH_INDEX_URL}" "torch==${TORCH_VERSION}"'),
    );
    const requirements = runs.findIndex((r) => r.includes('pip install -r'));
    expect(torch).toBeGreaterThanOrEqual(0);
    expect(requirements).toBeGreaterThan(torch);
    expect(runs[requirements]).toContain("grep -v -i '^torch=='");
    expect(runs[requirements]).toContain('torch.version.cuda');
    const copies = build.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual(
      expect.arrayContaining(['apps/trainer/requirements.txt /src/requirements.txt']),
    );
    expect(runs.some((r) => r.includes('pip install --no-deps /src/trainer'))).toBe(true);
  });

  it('ships the accelerate configs the Job launches with, and runs rstar-train round as non-root', () => {
    const copies = final.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      '--from=build /opt/venv /opt/venv',
      'apps/trainer/accelerate /opt/rstar-trainer/accelerate',
    ]);
    expect(existsSync(join(repoRoot, 'apps/trainer/accelerate/fsdp-8gpu.yaml'))).toBe(true);
    const users = final.filter((i) => i.keyword === 'USER');
    const [uid = '', gid = ''] = (users[users.length - 1]?.args ?? '').split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid)).toBeGreaterThan(0);
    const entrypoint = final.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '';
    expect(JSON.parse(entrypoint)).toEqual(['/usr/bin/tini', '--', 'rstar-train', 'round']);
    expect(final.find((i) => i.keyword === 'EXPOSE')?.args).toBe('9410');
  });

  it('has a .dockerignore that sends only apps/trainer, without its virtual environment', () => {
    const ignore = read(`${path}.dockerignore`).split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['*', '!apps/trainer', 'apps/trainer/.venv']));
  });
});

describe('the sandbox image', () => {
  it("adds Debian's Python 3 with sympy, numpy, scipy and the seccomp binding", () => {
    const final = stages(read('infra/docker/sandbox.Dockerfile')).pop() ?? [];
    const install = final.find((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'));
    for (const pkg of [
      'python3',
      'python3-sympy',
      'python3-numpy',
      'python3-scipy',
      'python3-seccomp',
    ]) {
      expect(install?.args.split(/\s+/)).toContain(pkg);
    }
    expect(install?.args).toContain("python3 -c 'import sympy, numpy, scipy, seccomp'");
  });
});

describe('infra/compose.yaml', () => {
  const compose = parse(read('infra/compose.yaml'), { merge: true });
  const services = compose.services as Record<string, any>;

  it('brings up Redis, the three services, the simulator, Prometheus and Grafana', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'redis',
        'orchestrator',
        'worker',
        'sandbox',
        'model-sim',
        'prometheus',
        'grafana',
      ]),
    );
    for (const [name, service] of Object.entries(services)) {
      if (service.build === undefined) continue;
      expect([
        name,
        existsSync(join(repoRoot, 'infra', service.build.context, service.build.dockerfile)),
      ]).toEqual([name, true]);
    }
  });

  it('runs Redis with AOF (everysec) and noeviction', () => {
    const command = services.redis.command.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync everysec');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('mounts a plan that validates and names the compose services', () => {
    const mount = services.orchestrator.volumes.find((v: string) =>
      v.endsWith(':/etc/rstar/plan.yaml:ro'),
    );
    const planPath = join('infra', mount.split(':')[0]);
    const plan = parsePlan(read(planPath), planPath);
    expect(new URL(plan.redis.url).hostname).toBe('redis');
    expect(plan.redis.passwordEnv).toBe('REDIS_PASSWORD');
    expect(services.worker.environment.REDIS_PASSWORD).toBeDefined();
    expect(plan.sandbox.addresses).toEqual(['sandbox:50051']);
    expect(new URL(plan.rounds[0]?.policy.endpoints[0]?.url ?? '').host).toBe('model-sim:8000');
    expect(plan.store).toEqual({ kind: 'dir', dir: '/data/runs' });
    expect(services.worker.volumes).toContain('fleet-data:/data');
  });

  it('keeps the sandbox on an internal network, read-only, non-root and without capabilities', () => {
    expect(compose.networks['fleet-internal'].internal).toBe(true);
    expect(services.sandbox.networks).toEqual(['fleet-internal']);
    expect(services.sandbox.read_only).toBe(true);
    expect(services.sandbox.cap_drop).toEqual(['ALL']);
    expect(services.sandbox.user).toBeUndefined(); // the image's non-root user
  });

  it('has a gpu profile with vLLM policy (prefix caching) and PPM (classify) servers on GPUs', () => {
    const policy = services['vllm-policy'];
    const ppm = services['vllm-ppm'];
    for (const server of [policy, ppm]) {
      expect(server.profiles).toEqual(['gpu']);
      expect(server.image).toMatch(/^vllm\/vllm-openai:v\d/);
      expect(server.command).toContain('--enable-prefix-caching');
      expect(server.deploy.resources.reservations.devices[0].capabilities).toEqual(['gpu']);
    }
    expect(policy.command.some((a: string) => a.startsWith('--max-num-seqs='))).toBe(true);
    expect(ppm.command).toEqual(expect.arrayContaining(['--runner=pooling', '--convert=classify']));
  });

  it('provisions Grafana with the Prometheus data source and the infra/grafana folder', () => {
    const mount = services.grafana.volumes.find((v: string) => v.startsWith('./grafana:'));
    const target = mount.split(':')[1];
    const providers = parse(compose.configs['grafana-dashboards'].content).providers;
    expect(providers[0].options.path).toBe(target);
    const sources = parse(compose.configs['grafana-datasource'].content).datasources;
    expect(sources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
  });

  it('has Prometheus scrape every service on the port it serves, with the alert rules loaded', () => {
    const mount = services.prometheus.volumes.find((v: string) => v.startsWith('./prometheus:'));
    const [source, target] = mount.split(':');
    expect(services.prometheus.command).toContain(`--config.file=${target}/prometheus.yaml`);
    const config = parse(read(join('infra', source, 'prometheus.yaml')));
    expect(config.rule_files).toEqual([`${target}/alerts.yaml`]);
    const targets = config.scrape_configs.flatMap((job: any) => [
      ...(job.static_configs ?? []).flatMap((s: any) => s.targets),
      ...(job.dns_sd_configs ?? []).flatMap((d: any) =>
        d.names.map((n: string) => `${n}:${d.port}`),
      ),
    ]);
    const port = (name: string, flag: string) => {
      const args: string[] = services[name].command;
      const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
      return args[i]?.includes('=') ? args[i].split('=')[1] : args[i + 1];
    };
    expect(targets).toEqual(
      expect.arrayContaining([
        `orchestrator:${port('orchestrator', '--http-port')}`,
        `worker:${port('worker', '--http-port')}`,
        `sandbox:${port('sandbox', '--metrics-port')}`,
        `model-sim:${port('model-sim', '--port')}`,
        'vllm-policy:8000',
        'vllm-ppm:8000',
      ]),
    );
  });
});
